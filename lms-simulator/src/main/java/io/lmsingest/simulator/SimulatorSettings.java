package io.lmsingest.simulator;

import io.lmsingest.simulator.api.Faults;
import io.lmsingest.simulator.timeline.TimelineSettings;

/** Everything the simulator process needs besides its API key. */
public record SimulatorSettings(TimelineSettings timeline, int port, int maxPageSize, Faults faults) {}
