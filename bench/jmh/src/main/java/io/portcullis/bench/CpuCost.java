package io.portcullis.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * CPU time per operation of the {@link TokenBenchmarks} methods, measured with the thread's CPU
 * clock rather than the wall clock: on a machine other work shares, wall-clock throughput drops
 * while the CPU cost of an operation stays about the same. For comparing two builds while the
 * machine is busy; the published figures come from JMH on a quiet machine.
 *
 * <p>Usage: {@code CpuCost [seconds-per-benchmark]}
 */
public final class CpuCost {
  private CpuCost() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    TokenBenchmarks b = new TokenBenchmarks();
    b.setUp();
    Map<String, Callable<Object>> ops = new LinkedHashMap<>();
    ops.put("verifyRs256", b::verifyRs256);
    ops.put("verifyEs256", b::verifyEs256);
    ops.put("verifyEdDsa", b::verifyEdDsa);
    ops.put("jcaVerifyRs256", b::jcaVerifyRs256);
    ops.put("opaqueLookup", b::opaqueLookup);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int pass = 0; pass < 2; pass++) {
      for (Map.Entry<String, Callable<Object>> op : ops.entrySet()) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long n = 0;
        long budget = (long) (seconds * 1e9);
        while (threads.getCurrentThreadCpuTime() - cpuStart < budget) {
          for (int i = 0; i < 64; i++) op.getValue().call();
          n += 64;
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        if (pass == 1) {
          System.out.printf("%-16s %10.2f µs CPU/op  %10.0f ops per CPU-second%n", op.getKey(), cpu / 1e3 / n, n * 1e9 / cpu);
        }
      }
    }
    b.tearDown();
    System.exit(0);
  }
}
