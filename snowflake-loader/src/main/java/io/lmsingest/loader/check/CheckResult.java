package io.lmsingest.loader.check;

import java.util.List;

/**
 * One check of {@code loader check}: what was checked, what was found and, when it failed, the
 * statements that fix it.
 */
public record CheckResult(String name, Status status, String found, List<String> fix) {
  /** PASS and WARN let the loader run; FAIL does not; SKIPPED could not be checked. */
  public enum Status {
    PASS,
    WARN,
    FAIL,
    SKIPPED
  }

  public CheckResult {
    fix = List.copyOf(fix);
  }

  static CheckResult pass(String name, String found) {
    return new CheckResult(name, Status.PASS, found, List.of());
  }

  static CheckResult warn(String name, String found, String... fix) {
    return new CheckResult(name, Status.WARN, found, List.of(fix));
  }

  static CheckResult fail(String name, String found, String... fix) {
    return new CheckResult(name, Status.FAIL, found, List.of(fix));
  }

  static CheckResult skipped(String name, String why) {
    return new CheckResult(name, Status.SKIPPED, why, List.of());
  }
}
