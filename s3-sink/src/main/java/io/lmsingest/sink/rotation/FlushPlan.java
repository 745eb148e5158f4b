package io.lmsingest.sink.rotation;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which open files to finish now, and why: each file the rotation policy finds due, and, when all
 * open files together hold more than the memory budget, also the largest of the others however
 * young (one per round: the budget is checked again after every poll). A pure function of its
 * inputs.
 */
public record FlushPlan(RotationPolicy rotation, long memoryBudgetBytes) {
  public FlushPlan {
    if (memoryBudgetBytes < 1) {
      throw new IllegalArgumentException(
          "the memory budget must be positive, got " + memoryBudgetBytes);
    }
  }

  /** Partition → reason, for every open file to finish now (in partition order). */
  public Map<Integer, RotationPolicy.Reason> due(List<OpenFile> open) {
    Map<Integer, RotationPolicy.Reason> due = new LinkedHashMap<>();
    long buffered = 0;
    for (OpenFile f : open.stream().sorted(Comparator.comparingInt(OpenFile::partition)).toList()) {
      buffered += f.bytes();
      RotationPolicy.Reason reason = rotation.check(f.rows(), f.bytes(), f.age());
      if (reason != RotationPolicy.Reason.NONE) {
        due.put(f.partition(), reason);
      }
    }
    if (buffered > memoryBudgetBytes) {
      open.stream()
          .filter(f -> !due.containsKey(f.partition()) && f.rows() > 0)
          .max(Comparator.comparingLong(OpenFile::bytes).thenComparingInt(f -> -f.partition()))
          .ifPresent(f -> due.put(f.partition(), RotationPolicy.Reason.MEMORY));
    }
    return due;
  }
}
