package dev.corral.machine.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.image.ImageBuilder;
import dev.corral.image.VmImageRequest;
import dev.corral.machine.Command;
import dev.corral.machine.ProvisionContext;

/**
 * Boot-to-ready time of {@link QemuProvisioner} against the guest's own boot time, side by side on each boot:
 * <ul>
 *   <li>{@code ready}: {@link QemuProvisioner#provision} wall time (overlay, seed, QEMU start, boot, host keys,
 *       SSH, cloud-init finished);
 *   <li>{@code guest}: the guest's {@code systemd-analyze} kernel + userspace time (the whole boot transaction,
 *       cloud-init's final stage included);
 *   <li>{@code before kernel}: ready minus the guest's uptime when ready: host preparation, QEMU start, firmware
 *       and boot loader (GRUB when booting the qcow2 as a cloud would);
 *   <li>{@code after boot}: the guest's uptime when ready minus its boot time: how late the provisioner noticed.
 * </ul>
 * Run with {@code bench/qemu-boot.sh [boots per mode]}; modes are the image's boot loader and direct kernel boot.
 */
public final class QemuBootBenchmark {
    private static final Pattern STARTUP = Pattern.compile("Startup finished in (.*?) \\(kernel\\) \\+ (.*?) \\(userspace\\)");
    private static final Pattern PART = Pattern.compile("(?:(\\d+)min )?([0-9.]+)(ms|s)");

    private QemuBootBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // logback's default configuration prints everything, the SSH library's debug lines included
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.INFO);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.sshd"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int boots = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Path image = ImageBuilder.create().withLog(System.err::println)
                .buildVmImage(VmImageRequest.debian12(), Deadline.after(Duration.ofMinutes(40))).qcow2();
        Path root = Files.createTempDirectory("corral-qemu-bench");
        System.out.printf("image %s, %d boot(s) per mode, load %s%n", image, boots, Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf("%-7s %-4s %9s %9s %9s %9s %11s %10s%n", "mode", "acc", "ready s", "guest s", "kernel s",
                "user s", "pre-kern s", "after s");
        List<double[]> rows = new ArrayList<>();
        for (boolean direct : new boolean[] {false, true}) {
            ProvisionContext context = new ProvisionContext(RunId.generate(), root.resolve(direct ? "direct" : "grub"));
            QemuSpec spec = QemuSpec.builder(image).directKernelBoot(direct).bootTimeout(Duration.ofMinutes(15)).build();
            try (QemuProvisioner qemu = new QemuProvisioner(context, spec)) {
                for (int i = 0; i < boots; i++) {
                    long start = System.nanoTime();
                    try (QemuMachine vm = qemu.provision(Deadline.after(Duration.ofMinutes(15)))) {
                        double ready = (System.nanoTime() - start) / 1e9;
                        long before = System.nanoTime();
                        String uptime = vm.connection().exec(Command.of("cat", "/proc/uptime"), Deadline.after(Duration.ofMinutes(1)))
                                .orThrow("uptime").stdout();
                        double rtt = (System.nanoTime() - before) / 1e9;
                        double up = Double.parseDouble(uptime.strip().split("\\s+")[0]) - rtt / 2
                                - (before - start) / 1e9 + ready;
                        String analyze = vm.connection().exec(Command.of("systemd-analyze"), Deadline.after(Duration.ofMinutes(2)))
                                .orThrow("systemd-analyze").stdout();
                        Matcher m = STARTUP.matcher(analyze);
                        if (!m.find()) {
                            throw new IllegalStateException("unexpected systemd-analyze output: " + analyze);
                        }
                        double kernel = seconds(m.group(1));
                        double user = seconds(m.group(2));
                        double[] row = {direct ? 1 : 0, ready, kernel + user, kernel, user, ready - up, up - kernel - user};
                        rows.add(row);
                        System.out.printf("%-7s %-4s %9.1f %9.1f %9.1f %9.1f %11.1f %10.1f%n", direct ? "direct" : "grub",
                                vm.accelerator(), row[1], row[2], row[3], row[4], row[5], row[6]);
                    }
                }
            }
        }
        for (int mode = 0; mode <= 1; mode++) {
            int m = mode;
            double[] mean = new double[7];
            List<double[]> of = rows.stream().filter(r -> r[0] == m).toList();
            for (double[] r : of) {
                for (int k = 1; k < 7; k++) {
                    mean[k] += r[k] / of.size();
                }
            }
            System.out.printf("mean %-6s ready %.1f s = guest boot %.1f s + before kernel %.1f s + noticed after %.1f s;"
                    + " overhead beyond the guest's boot %.1f s%n", mode == 1 ? "direct" : "grub", mean[1], mean[2], mean[5],
                    mean[6], mean[1] - mean[2]);
        }
        dev.corral.files.FileTrees.deleteQuietly(root);
    }

    /** Parses systemd's time spans such as {@code 1min 48.312s} or {@code 812ms}. */
    static double seconds(String span) {
        double total = 0;
        Matcher m = PART.matcher(span);
        while (m.find()) {
            total += (m.group(1) != null ? Integer.parseInt(m.group(1)) * 60 : 0)
                    + Double.parseDouble(m.group(2)) / (m.group(3).equals("ms") ? 1000 : 1);
        }
        return total;
    }
}
