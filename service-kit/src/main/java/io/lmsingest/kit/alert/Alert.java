package io.lmsingest.kit.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * One notification about one incident of one service: it started ({@link State#FIRING}) or it is
 * over ({@link State#RESOLVED}). Built only from what the service chose to say — never a secret,
 * never a record's content (learner ids included).
 */
public record Alert(
    String service,
    String incident,
    State state,
    String summary,
    String detail,
    String action,
    Instant since,
    Instant at) {
  public enum State {
    FIRING,
    RESOLVED
  }

  /** A title line: what, where, and whether it is over. */
  public String title() {
    return (state == State.FIRING ? "[FIRING] " : "[RESOLVED] ")
        + "lms-ingest "
        + service
        + ": "
        + summary;
  }

  /** The whole message, the same on every channel. */
  public String text() {
    StringBuilder text = new StringBuilder(title()).append('\n');
    if (state == State.FIRING) {
      text.append("since ").append(since).append('\n');
      text.append("detail: ").append(detail).append('\n');
      text.append("what to do: ").append(action).append('\n');
    } else {
      text.append("resolved at ")
          .append(at)
          .append(" after ")
          .append(Duration.between(since, at).toSeconds())
          .append(" s\n");
    }
    return text.append("incident: ").append(incident).toString();
  }
}
