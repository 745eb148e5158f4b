package io.lmsingest.loader.batch;

import io.lmsingest.kit.runtime.Backoff;
import io.lmsingest.loader.manifest.MicroBatch;
import io.lmsingest.loader.warehouse.UnloadableFileException;
import io.lmsingest.loader.warehouse.Warehouse;
import io.lmsingest.schemas.BronzeManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Loads manifests as one batch until it commits, without letting one bad file hold everything
 * behind it. A failure of the surroundings (the warehouse or S3 unreachable, another loader's lock)
 * is retried for as long as it lasts. A batch of several manifests that the warehouse has no memory
 * for is split in two halves at once, each loaded the same way: the same batch would fail the same
 * way again; later batches start at the size that fit and grow by one manifest per success. Another
 * failure of the batch itself (a file DuckDB cannot read, rows that do not match the manifest) is
 * retried {@code maxAttempts} times; then the batch is loaded manifest by manifest, and one that
 * still fails is quarantined: its files are recorded in {@code load_quarantined_files} with the
 * reason (not in the ledger, so a reconcile or replay loads them once fixed) and the loader goes
 * on.
 */
public final class LoadAttempts {
  private static final Logger LOG = LoggerFactory.getLogger(LoadAttempts.class);

  /** Between attempts of a batch: the service's and a replay's. */
  public static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  /**
   * {@link #isSurroundings}, or another session holding the warehouse's load lock for longer than
   * the batch waits for it.
   */
  public static Predicate<Exception> surroundingsOf(Warehouse warehouse) {
    return e -> isSurroundings(e) || (e instanceof SQLException sql && warehouse.isContention(sql));
  }

  /** What happens to batches, for metrics and alerts. */
  public interface Listener {
    void loaded(BatchResult result);

    void failed(MicroBatch batch, Exception failure, int attempt, boolean surroundings);

    void quarantined(MicroBatch batch, Exception failure, int attempts);
  }

  private final BatchLoader loader;
  private final int maxAttempts;
  private final Backoff backoff;
  private final Predicate<Exception> surroundings;
  private final BooleanSupplier stopping;
  private final boolean force;
  private final Listener listener;

  /**
   * Most manifests one batch may hold: halved when a batch did not fit the warehouse's memory, one
   * more after each batch that loads (additive increase, multiplicative decrease), so a backlog
   * does not fail once per batch at a size known not to fit.
   */
  private int fitting = Integer.MAX_VALUE;

  /**
   * @param surroundings true for a failure that is not the batch's fault (retried without limit);
   *     {@link #isSurroundings} is the usual answer
   * @param force load files again although the ledger has them (a forced replay)
   */
  public LoadAttempts(
      BatchLoader loader,
      int maxAttempts,
      Backoff backoff,
      Predicate<Exception> surroundings,
      BooleanSupplier stopping,
      boolean force,
      Listener listener) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    this.loader = loader;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.surroundings = surroundings;
    this.stopping = stopping;
    this.force = force;
    this.listener = listener;
  }

  /**
   * Loads {@code manifests} (committed, or quarantined in part or whole). False if the loader is
   * stopping first: then what is not committed is loaded on the next start.
   */
  public boolean load(List<BronzeManifest> manifests) {
    // At most `fitting` manifests at a time, re-read per chunk: a split inside one lowers it.
    for (int from = 0; from < manifests.size(); ) {
      int to = (int) Math.min(manifests.size(), (long) from + fitting);
      if (!loadAsOne(manifests.subList(from, to))) {
        return false;
      }
      from = to;
    }
    return true;
  }

  private boolean loadAsOne(List<BronzeManifest> manifests) {
    MicroBatch batch = MicroBatch.of(manifests);
    int ownFailures = 0;
    for (int attempt = 1;
        !stopping.getAsBoolean() && !Thread.currentThread().isInterrupted();
        attempt++) {
      Exception failure;
      try {
        listener.loaded(loader.load(batch, force));
        if (fitting < Integer.MAX_VALUE) {
          fitting++; // probe upwards again: the memory a batch needs changes as the table grows
        }
        return true;
      } catch (SQLException | IOException | RuntimeException e) {
        failure = e;
      }
      boolean notItsFault = surroundings.test(failure);
      listener.failed(batch, failure, attempt, notItsFault);
      if (!notItsFault && manifests.size() > 1 && loader.outOfMemory(failure)) {
        int half = manifests.size() / 2;
        fitting = half;
        LOG.warn(
            "loader batch {} of {} manifests ({} rows) does not fit the warehouse's memory ({});"
                + " loading it as two batches of {} and {} manifests",
            batch.id(),
            manifests.size(),
            batch.rows(),
            failure.toString().lines().findFirst().orElse(""),
            half,
            manifests.size() - half);
        return load(manifests.subList(0, half)) && load(manifests.subList(half, manifests.size()));
      }
      if (!notItsFault && ++ownFailures >= maxAttempts) {
        if (manifests.size() > 1) {
          LOG.warn(
              "alert=true loader batch {} failed {} times by itself ({}); loading its {} manifests"
                  + " one by one so only a bad one is held back",
              batch.id(),
              ownFailures,
              failure.toString(),
              manifests.size());
          for (BronzeManifest m : manifests) {
            if (!load(List.of(m))) {
              return false;
            }
          }
          return true;
        }
        try {
          loader.quarantine(batch, failure.toString(), ownFailures);
          listener.quarantined(batch, failure, ownFailures);
          return true;
        } catch (SQLException | RuntimeException quarantineFailure) {
          // Not recorded: never skipped silently. Load again; quarantine at the next failure.
          LOG.warn(
              "loader batch {} could not be quarantined ({}); trying it again",
              batch.id(),
              quarantineFailure.toString());
          ownFailures = maxAttempts - 1;
        }
      }
      long wait = backoff.delay(attempt, ThreadLocalRandom.current()::nextDouble).toMillis();
      LOG.warn(
          "{}loader batch {} failed and was rolled back as a whole (attempt {}, {}): {}; retrying"
              + " in {} ms",
          attempt >= 5 ? "alert=true " : "",
          batch.id(),
          attempt,
          notItsFault
              ? "the warehouse or S3 is unavailable: retried until it is back"
              : "failure " + ownFailures + " of " + maxAttempts + " before it is set aside",
          failure.toString(),
          wait);
      sleep(wait);
    }
    return false;
  }

  /**
   * True for failures of what the batch runs on rather than of the batch: the connection or the
   * network (SQLState class 08, transient and recoverable SQL exceptions, SDK client errors), S3
   * answering 403, 429 or 5xx, and local I/O. A missing object (404), an object that does not match
   * its manifest, a file the warehouse cannot read, or rows that do not match the manifest are the
   * batch's own.
   */
  public static boolean isSurroundings(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnloadableFileException) {
        return false;
      }
      if (t instanceof SQLTransientException
          || t instanceof SQLRecoverableException
          || t instanceof SdkClientException
          || t instanceof IOException
          || t instanceof UncheckedIOException) {
        return true;
      }
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
      if (t instanceof SdkServiceException service) {
        int status = service.statusCode();
        return status == 403 || status == 429 || status >= 500;
      }
    }
    return false;
  }

  private void sleep(long millis) {
    long until = System.nanoTime() + millis * 1_000_000;
    while (!stopping.getAsBoolean() && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(100, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
