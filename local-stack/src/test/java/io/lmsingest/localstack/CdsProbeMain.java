package io.lmsingest.localstack;

/** A tiny program for {@link ClassDataArchivesTest}: loads a class of its own and exits. */
public final class CdsProbeMain {
  private CdsProbeMain() {}

  record Loaded(String name) {}

  public static void main(String[] args) {
    System.out.println(new Loaded("probe").name());
  }
}
