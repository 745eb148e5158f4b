package io.lmsingest.loader.check;

import java.io.PrintWriter;
import java.util.List;

/** The outcome of {@code loader check}: printed for the operator, and an exit code. */
public record CheckReport(List<CheckResult> results) {
  public CheckReport {
    results = List.copyOf(results);
  }

  public boolean passed() {
    return results.stream().noneMatch(r -> r.status() == CheckResult.Status.FAIL);
  }

  /** 0 when every check passed or only warned; 1 when one failed. */
  public int exitCode() {
    return passed() ? 0 : 1;
  }

  public void print(PrintWriter out) {
    for (CheckResult r : results) {
      out.printf("%-8s %-26s %s%n", r.status(), r.name(), r.found());
      for (String line : r.fix()) {
        out.printf("         %-26s fix: %s%n", "", line);
      }
    }
    long failed = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
    out.println(
        failed == 0
            ? "loader check: the account is ready for the loader (it changed nothing)"
            : "loader check: "
                + failed
                + " check(s) failed; run the fixes above as a role that may (it changed nothing)");
  }
}
