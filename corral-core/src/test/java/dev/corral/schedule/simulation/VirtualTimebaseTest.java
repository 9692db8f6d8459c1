package dev.corral.schedule.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.corral.schedule.Timebase;

import org.junit.jupiter.api.Test;

class VirtualTimebaseTest {

    @Test
    void sleepersWakeInTimeOrderAndTimeJumps() throws Exception {
        VirtualTimebase time = new VirtualTimebase();
        Timebase.Mailbox<String> box = time.mailbox();
        List<String> order = time.coordinate(() -> {
            for (int s : new int[] {30, 10, 20}) {
                time.start("s" + s, () -> {
                    try {
                        time.sleep(Duration.ofSeconds(s));
                        box.post(s + "@" + time.elapsed().toSeconds());
                    } catch (InterruptedException e) {
                        box.post("interrupted");
                    }
                });
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(box.take());
            }
            return got;
        });
        assertThat(order).containsExactly("10@10", "20@20", "30@30");
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anInterruptedSleeperWakesAtOnce() throws Exception {
        VirtualTimebase time = new VirtualTimebase();
        Timebase.Mailbox<String> box = time.mailbox();
        String got = time.coordinate(() -> {
            Thread sleeper = time.start("sleeper", () -> {
                try {
                    time.sleep(Duration.ofDays(1));
                    box.post("slept");
                } catch (InterruptedException e) {
                    box.post("interrupted at " + time.elapsed());
                }
            });
            time.start("interrupter", () -> {
                try {
                    time.sleep(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                sleeper.interrupt();
            });
            return box.take();
        });
        assertThat(got).isEqualTo("interrupted at PT5S");
    }

    @Test
    void onlyParticipantsMaySleep() {
        VirtualTimebase time = new VirtualTimebase();
        assertThatThrownBy(() -> time.sleep(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void participantsRunOneAtATimeInStartOrder() throws Exception {
        VirtualTimebase time = new VirtualTimebase();
        List<Integer> trace = Collections.synchronizedList(new ArrayList<>());
        Timebase.Mailbox<Integer> box = time.mailbox();
        time.coordinate(() -> {
            for (int i = 0; i < 50; i++) {
                int n = i;
                time.start("p" + i, () -> {
                    trace.add(n);
                    box.post(n);
                });
            }
            for (int i = 0; i < 50; i++) {
                box.take();
            }
            return null;
        });
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(i);
        }
        assertThat(trace).isEqualTo(expected);
    }
}
