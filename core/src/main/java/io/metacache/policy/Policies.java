package io.metacache.policy;

/** Argument checks shared by the policy implementations. */
final class Policies {

  private Policies() {}

  static void checkWeight(int weight) {
    if (weight < 0) {
      throw new IllegalArgumentException("weight must be >= 0, was " + weight);
    }
  }
}
