package io.lmsingest.poller;

import io.lmsingest.kit.runtime.ServiceRunner;
import io.lmsingest.poller.config.PollerConfig;
import java.time.Clock;

/**
 * The poller as a process: {@code PollerMain <config.properties>}; SIGTERM stops it after the
 * current page.
 */
public final class PollerMain {
  private PollerMain() {}

  public static void main(String[] args) {
    ServiceRunner.main("poller", args, PollerConfig::load, PollerMain::create);
  }

  /** Runs until stopped; returns the process exit code. */
  public static int run(PollerConfig config) {
    return ServiceRunner.run(config, PollerMain::create);
  }

  private static PollerApp create(PollerConfig config) throws Exception {
    return PollerApp.create(config, Clock.systemUTC());
  }
}
