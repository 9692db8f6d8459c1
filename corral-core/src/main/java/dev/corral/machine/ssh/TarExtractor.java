package dev.corral.machine.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unpacks a tar stream into a local directory as it is written (push style, fed by the channel's pump), as
 * {@code tar -C DIR --no-same-owner -xf -} would: regular files, directories, symlinks and hard links, with their
 * modes and modification times; GNU long names and links and POSIX pax {@code path}/{@code linkpath}/{@code size}
 * records are understood; devices, pipes and other types are skipped.
 *
 * <p>Safe against hostile archives: names with {@code ..} or leading {@code /} are skipped, nothing is written
 * through a symlink (symlinks are created last, and a path whose parent is a symlink is skipped), and hard links
 * must point inside the directory. Directory modes are applied last, so read-only directories can be filled.
 * Saves starting a local {@code tar} for every download. Written by one thread.
 */
final class TarExtractor extends OutputStream {
    private static final int BLOCK = 512;
    private static final int MAX_META = 1 << 20;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path root;
    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    /** Bytes of the current entry's data still to come, then its padding. */
    private long dataLeft;
    private long padLeft;
    private OutputStream file;
    private ByteArrayOutputStream meta;
    private char metaType;
    private String longName;
    private String longLink;
    private Map<String, String> pax = Map.of();
    private boolean ended;
    private int zeroBlocks;
    private final Set<Path> safeDirs = new HashSet<>();
    private final Map<Path, String> symlinks = new LinkedHashMap<>();
    private final Map<Path, Integer> dirModes = new LinkedHashMap<>();
    private final Map<Path, Long> dirTimes = new LinkedHashMap<>();
    private Path current;
    private int currentMode;
    private long currentMtime;

    /** Unpacks into {@code root}, which is created with its parents. */
    TarExtractor(Path root) throws IOException {
        this.root = Files.createDirectories(root).toAbsolutePath().normalize();
        safeDirs.add(this.root);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (ended) {
                return; // trailing zero records
            }
            if (dataLeft > 0) {
                int n = (int) Math.min(dataLeft, end - i);
                data(b, i, n);
                i += n;
                dataLeft -= n;
                if (dataLeft == 0) {
                    endData();
                }
            } else if (padLeft > 0) {
                int n = (int) Math.min(padLeft, end - i);
                i += n;
                padLeft -= n;
            } else {
                int n = Math.min(BLOCK - headerFill, end - i);
                System.arraycopy(b, i, header, headerFill, n);
                headerFill += n;
                i += n;
                if (headerFill == BLOCK) {
                    headerFill = 0;
                    header();
                }
            }
        }
    }

    /**
     * Completes the extraction: creates the symlinks and applies directory modes and times.
     *
     * @throws IOException when the stream ended inside an entry
     */
    void finish() throws IOException {
        closeFile();
        if (dataLeft > 0 || headerFill > 0 || meta != null) {
            throw new IOException("the tar stream ended inside an entry");
        }
        for (Map.Entry<Path, String> link : symlinks.entrySet()) {
            Path at = link.getKey();
            if (!parentsSafe(at)) {
                continue;
            }
            Files.deleteIfExists(at);
            Files.createSymbolicLink(at, Path.of(link.getValue()));
        }
        List<Path> dirs = new ArrayList<>(dirModes.keySet());
        for (int k = dirs.size() - 1; k >= 0; k--) {
            Path dir = dirs.get(k);
            if (Files.isDirectory(dir, NOFOLLOW)) {
                Files.setLastModifiedTime(dir, FileTime.fromMillis(dirTimes.get(dir) * 1000));
                Files.setPosixFilePermissions(dir, permissions(dirModes.get(dir)));
            }
        }
    }

    /** Closes what is open after a failure; idempotent. */
    void abort() {
        try {
            closeFile();
        } catch (IOException e) {
            // already failing
        }
    }

    @Override
    public void close() throws IOException {
        closeFile();
    }

    private void header() throws IOException {
        if (isZero(header)) {
            if (++zeroBlocks == 2) {
                ended = true;
            }
            return;
        }
        zeroBlocks = 0;
        if (!checksumOk()) {
            throw new IOException("not a tar stream (bad header checksum)");
        }
        char type = (char) (header[156] == 0 ? '0' : header[156]);
        long size = number(124, 12);
        if (pax.containsKey("size")) {
            size = Long.parseLong(pax.get("size"));
        }
        if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
            if (size > MAX_META) {
                throw new IOException("tar meta entry of " + size + " bytes");
            }
            meta = new ByteArrayOutputStream((int) size);
            metaType = type;
            startData(size);
            return;
        }
        String name = longName != null ? longName : pax.getOrDefault("path", ustarName());
        String link = longLink != null ? longLink : pax.getOrDefault("linkpath", text(157, 100));
        int mode = (int) number(100, 8) & 07777;
        long mtime = pax.containsKey("mtime") ? (long) Double.parseDouble(pax.get("mtime")) : number(136, 12);
        longName = null;
        longLink = null;
        pax = Map.of();
        Path target = resolve(name);
        current = null;
        if (target != null && parentsSafe(target)) {
            switch (type) {
                case '0', '7' -> openFile(target, mode, mtime);
                case '5' -> directory(target, mode, mtime);
                case '2' -> symlinks.put(target, link);
                case '1' -> hardLink(target, link);
                default -> {
                    // devices, pipes, sparse and vendor types: skipped
                }
            }
        }
        startData(type == '5' || type == '2' || type == '1' ? 0 : size);
    }

    private void startData(long size) throws IOException {
        dataLeft = size;
        padLeft = (BLOCK - size % BLOCK) % BLOCK;
        if (size == 0) {
            endData();
        }
    }

    private void data(byte[] b, int off, int len) throws IOException {
        if (meta != null) {
            meta.write(b, off, len);
        } else if (file != null) {
            file.write(b, off, len);
        }
    }

    private void endData() throws IOException {
        if (meta != null) {
            byte[] bytes = meta.toByteArray();
            meta = null;
            switch (metaType) {
                case 'L' -> longName = cString(bytes);
                case 'K' -> longLink = cString(bytes);
                case 'x' -> pax = parsePax(bytes);
                default -> {
                    // global pax header: nothing we use
                }
            }
            return;
        }
        closeFile();
    }

    private void openFile(Path target, int mode, long mtime) throws IOException {
        Path parent = target.getParent();
        createDirs(parent);
        Files.deleteIfExists(target); // as tar does: never write through what was there
        file = Files.newOutputStream(target);
        current = target;
        currentMode = mode;
        currentMtime = mtime;
    }

    private void closeFile() throws IOException {
        if (file != null) {
            OutputStream f = file;
            file = null;
            f.close();
            Files.setPosixFilePermissions(current, permissions(currentMode));
            Files.setLastModifiedTime(current, FileTime.fromMillis(currentMtime * 1000));
        }
    }

    private void directory(Path target, int mode, long mtime) throws IOException {
        if (Files.isSymbolicLink(target)) {
            Files.delete(target);
        }
        createDirs(target);
        // writable until finish(): the directory's own mode may forbid filling it
        Files.setPosixFilePermissions(target, permissions(mode | 0700));
        dirModes.put(target, mode);
        dirTimes.put(target, mtime);
    }

    private void hardLink(Path target, String link) throws IOException {
        Path existing = resolve(link);
        if (existing == null || !Files.isRegularFile(existing, NOFOLLOW) || !parentsSafe(existing)) {
            return;
        }
        createDirs(target.getParent());
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, existing);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(existing, target);
        }
    }

    private void createDirs(Path dir) throws IOException {
        if (safeDirs.contains(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            Files.delete(dir); // a file where the archive has a directory: replace it
            Files.createDirectories(dir);
        }
        for (Path p = dir; p != null && p.startsWith(root); p = p.getParent()) {
            safeDirs.add(p);
        }
    }

    /** The path of an entry inside the root, or {@code null} when it would leave it. */
    private Path resolve(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.startsWith("/") || n.isEmpty() || n.equals(".")) {
            return n.isEmpty() || n.equals(".") ? root : null;
        }
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                return null;
            }
        }
        Path p = root.resolve(n).normalize();
        return p.startsWith(root) ? p : null;
    }

    /** Whether no directory between the root and the path is a symlink (nothing is written through one). */
    private boolean parentsSafe(Path path) {
        for (Path p = path.getParent(); p != null && !p.equals(root) && p.startsWith(root); p = p.getParent()) {
            if (safeDirs.contains(p)) {
                return true;
            }
            if (Files.isSymbolicLink(p) || symlinks.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    private String ustarName() {
        String name = text(0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0; // POSIX ustar has a prefix field; GNU has not
        String prefix = ustar ? text(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String text(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** An octal field, or GNU base-256 when the first byte has its high bit set. */
    private long number(int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            long v = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                v = (v << 8) | (header[offset + i] & 0xff);
            }
            return v;
        }
        String s = text(offset, length).strip();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("bad number in tar header: '" + s + "'");
        }
    }

    private boolean checksumOk() {
        long stored;
        try {
            stored = number(148, 8);
        } catch (IOException e) {
            return false;
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        return sum == stored;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Pax records: {@code LENGTH KEY=VALUE\n}, LENGTH counting the whole record in bytes. */
    private static Map<String, String> parsePax(byte[] bytes) throws IOException {
        Map<String, String> records = new LinkedHashMap<>();
        int i = 0;
        while (i < bytes.length && bytes[i] != 0) {
            int space = i;
            while (space < bytes.length && bytes[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(bytes, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("bad pax record in tar stream");
            }
            if (length <= 0 || i + length > bytes.length) {
                throw new IOException("bad pax record in tar stream");
            }
            String record = new String(bytes, space + 1, i + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                records.put(record.substring(0, eq), record.substring(eq + 1));
            }
            i += length;
        }
        return records;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                perms.add(p);
            }
        }
        return perms;
    }
}
