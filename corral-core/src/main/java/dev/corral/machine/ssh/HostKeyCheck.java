package dev.corral.machine.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the host key of one connection attempt against the target's {@link HostKeyPolicy} and remembers why it
 * refused, so that the connect error can tell the user what to do. It also reorders the host key algorithms the
 * client proposes so that the server presents a key of a type that is known (as OpenSSH does): a host known only
 * by its RSA key is then not rejected for offering ed25519.
 *
 * <p>One instance per attempt, reached from the shared {@link #VERIFIER} and {@link #LISTENER} through the
 * session's connection context. Thread-safe.
 */
final class HostKeyCheck {
    static final AttributeKey<HostKeyCheck> KEY = new AttributeKey<>();

    /** The client-wide verifier: delegates to the attempt's check; refuses sessions without one. */
    static final ServerKeyVerifier VERIFIER = (ClientSession session, SocketAddress remote, PublicKey key) -> {
        HostKeyCheck check = of(session);
        return check != null && check.verify(key);
    };

    /** The client-wide listener that puts known key types first in the key exchange proposal. */
    static final SessionListener LISTENER = new SessionListener() {
        @Override
        public void sessionNegotiationOptionsCreated(Session session, Map<KexProposalOption, String> proposal) {
            if (session instanceof ClientSession client) {
                HostKeyCheck check = of(client);
                if (check != null) {
                    check.preferKnownTypes(proposal);
                }
            }
        }
    };

    private final SshTarget target;
    private final Logger log;
    private volatile String rejection;

    HostKeyCheck(SshTarget target, Logger log) {
        this.target = target;
        this.log = log;
    }

    /** The connection context carrying this check. */
    AttributeRepository context() {
        return AttributeRepository.ofKeyValuePair(KEY, this);
    }

    /** Why the host key was refused, or {@code null} when it was not. */
    String rejection() {
        return rejection;
    }

    private static HostKeyCheck of(ClientSession session) {
        AttributeRepository context = session.getConnectionContext();
        return context == null ? null : context.getAttribute(KEY);
    }

    boolean verify(PublicKey offered) {
        String fingerprint = KeyUtils.getFingerPrint(offered) + " (" + KeyUtils.getKeyType(offered) + ")";
        return switch (target.hostKeys()) {
            case HostKeyPolicy.AcceptAny any -> {
                log.warn("accepting host key {} of {} without checking it (insecure host key policy)", fingerprint,
                        target.address());
                yield true;
            }
            case HostKeyPolicy.Pinned pinned -> verifyPinned(pinned, offered, fingerprint);
            case HostKeyPolicy.KnownHosts known -> verifyKnown(known, offered, fingerprint);
        };
    }

    private boolean verifyPinned(HostKeyPolicy.Pinned pinned, PublicKey offered, String fingerprint) {
        List<String> expected = new ArrayList<>();
        for (String line : pinned.publicKeys()) {
            PublicKey key = parse(line);
            if (key != null && KeyUtils.compareKeys(key, offered)) {
                return true;
            }
            expected.add(key == null ? line : KeyUtils.getFingerPrint(key));
        }
        rejection = "host key of " + target.address() + " is " + fingerprint + ", not the pinned key " + expected
                + ": the machine is not the one that was provisioned, or someone is intercepting the connection";
        return false;
    }

    private boolean verifyKnown(HostKeyPolicy.KnownHosts known, PublicKey offered, String fingerprint) {
        List<KnownHostEntry> entries;
        try {
            entries = Files.exists(known.file()) ? KnownHostEntry.readKnownHostEntries(known.file()) : List.of();
        } catch (NoSuchFileException e) {
            entries = List.of();
        } catch (IOException | RuntimeException e) {
            rejection = "cannot read known hosts file " + known.file() + ": " + e.getMessage();
            return false;
        }
        String type = KeyUtils.getKeyType(offered);
        List<String> sameType = new ArrayList<>();
        Set<String> otherTypes = new LinkedHashSet<>();
        for (KnownHostEntry entry : matching(entries)) {
            PublicKey key = resolve(entry.getKeyEntry());
            if (key == null) {
                continue;
            }
            boolean same = KeyUtils.compareKeys(key, offered);
            if ("@revoked".equals(entry.getMarker())) {
                if (same) {
                    rejection = "host key " + fingerprint + " of " + target.address() + " is marked @revoked in "
                            + known.file();
                    return false;
                }
                continue;
            }
            if (same) {
                return true;
            }
            if (KeyUtils.getKeyType(key).equals(type)) {
                sameType.add(KeyUtils.getFingerPrint(key));
            } else {
                otherTypes.add(KeyUtils.getKeyType(key));
            }
        }
        String keyscan = "ssh-keyscan" + (target.port() == SshTarget.DEFAULT_PORT ? "" : " -p " + target.port())
                + " -t " + type + " " + target.host() + " >> " + known.file();
        if (!sameType.isEmpty()) {
            rejection = "HOST KEY CHANGED for " + target.address() + ": it presents " + fingerprint + " but "
                    + known.file() + " has " + sameType + ". Someone may be intercepting the connection; if the host"
                    + " was reinstalled, remove the old key with 'ssh-keygen -f " + known.file() + " -R "
                    + knownHostsName() + "' and add the new one after checking it";
        } else if (!otherTypes.isEmpty()) {
            rejection = "host key " + fingerprint + " of " + target.address() + " is not in " + known.file()
                    + ", which only knows its " + otherTypes + " keys. Check the fingerprint, then add it: " + keyscan;
        } else {
            rejection = "host key of " + target.address() + " is unknown: " + known.file() + " has no entry for "
                    + knownHostsName() + ". Check that its fingerprint is " + fingerprint + ", then add it: " + keyscan
                    + " (or log in once with ssh); to skip the check, use the insecure accept-any host key policy";
        }
        return false;
    }

    private List<KnownHostEntry> matching(List<KnownHostEntry> entries) {
        List<KnownHostEntry> result = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            if ("@cert-authority".equals(entry.getMarker())) {
                continue;
            }
            try {
                if (entry.isHostMatch(target.host(), target.port())) {
                    result.add(entry);
                }
            } catch (RuntimeException e) {
                log.debug("skipping unreadable known_hosts entry {}", entry.getConfigLine(), e);
            }
        }
        return result;
    }

    private String knownHostsName() {
        return target.port() == SshTarget.DEFAULT_PORT ? target.host() : "'[" + target.host() + "]:" + target.port() + "'";
    }

    /** Key types known for this host, in the order found; empty when any type will do. */
    private Set<String> knownTypes() {
        Set<String> types = new LinkedHashSet<>();
        switch (target.hostKeys()) {
            case HostKeyPolicy.AcceptAny any -> {
                return Collections.emptySet();
            }
            case HostKeyPolicy.Pinned pinned -> pinned.publicKeys().forEach(k -> types.add(k.substring(0, k.indexOf(' '))));
            case HostKeyPolicy.KnownHosts known -> {
                try {
                    if (Files.exists(known.file())) {
                        for (KnownHostEntry entry : matching(KnownHostEntry.readKnownHostEntries(known.file()))) {
                            if (entry.getMarker() == null && entry.getKeyEntry() != null) {
                                types.add(entry.getKeyEntry().getKeyType());
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    return Collections.emptySet(); // verify() reports the problem
                }
            }
        }
        return types;
    }

    void preferKnownTypes(Map<KexProposalOption, String> proposal) {
        Set<String> types = knownTypes();
        String offered = proposal.get(KexProposalOption.SERVERKEYS);
        if (types.isEmpty() || offered == null) {
            return;
        }
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String algorithm : offered.split(",")) {
            (types.contains(keyTypeOf(algorithm)) ? first : rest).add(algorithm);
        }
        if (!first.isEmpty()) {
            first.addAll(rest);
            proposal.put(KexProposalOption.SERVERKEYS, String.join(",", first));
        }
    }

    private static String keyTypeOf(String algorithm) {
        return switch (algorithm) {
            case "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" -> "ssh-rsa";
            default -> algorithm;
        };
    }

    private PublicKey parse(String line) {
        try {
            return resolve(PublicKeyEntry.parsePublicKeyEntry(line));
        } catch (RuntimeException e) {
            log.debug("cannot parse pinned host key", e);
            return null;
        }
    }

    private PublicKey resolve(PublicKeyEntry entry) {
        if (entry == null) {
            return null;
        }
        try {
            return entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.debug("cannot decode host key entry of type {}", entry.getKeyType(), e);
            return null;
        }
    }
}
