package io.lmsingest.kit.runtime;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM handling shared by every service process: the JVM's shutdown hook asks the service loop
 * to stop, then waits until the service has returned and closed its clients (closing this marks it
 * done), so the process never exits in the middle of a commit. Open it before the service, so it is
 * closed after it: {@code try (GracefulStop stop = install("x"); Service s = ...) {
 * stop.onSignal(s::stop); s.run(); }}.
 */
public final class GracefulStop implements AutoCloseable {
  private final CountDownLatch done = new CountDownLatch(1);
  private Runnable stopAction;
  private boolean requested;

  private GracefulStop() {}

  public static GracefulStop install(String service) {
    GracefulStop graceful = new GracefulStop();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  graceful.request();
                  try {
                    graceful.done.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                service + "-shutdown"));
    return graceful;
  }

  /** What stops the service; runs at once if the signal came before the service existed. */
  public synchronized void onSignal(Runnable action) {
    stopAction = action;
    if (requested) {
      action.run();
    }
  }

  /** Whether SIGTERM has arrived. */
  public synchronized boolean isRequested() {
    return requested;
  }

  synchronized void request() {
    requested = true;
    if (stopAction != null) {
      stopAction.run();
    }
  }

  /** The service has returned and closed. */
  @Override
  public void close() {
    done.countDown();
  }
}
