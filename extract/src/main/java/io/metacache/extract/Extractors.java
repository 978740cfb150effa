package io.metacache.extract;

import io.metacache.Extractor;
import java.util.List;
import java.util.Objects;

/** The extractors of the built-in profiles. Both are thread-safe and stateless per call. */
public final class Extractors {
  /** The profile of file attributes and MIME type. */
  public static final String BASIC = "basic";
  /** The profile that adds image EXIF/XMP and source symbols. */
  public static final String FULL = "full";
  /** Every built-in profile. */
  public static final List<String> PROFILES = List.of(BASIC, FULL);

  private static final Extractor BASIC_EXTRACTOR = new BasicExtractor();
  private static final Extractor FULL_EXTRACTOR = new FullExtractor(new BasicExtractor());

  private Extractors() {}

  /** Size, times, permissions, owner, extension and the MIME type detected by Tika. */
  public static Extractor basic() {
    return BASIC_EXTRACTOR;
  }

  /** {@link #basic()} plus EXIF/XMP for images and language and symbols for source files. */
  public static Extractor full() {
    return FULL_EXTRACTOR;
  }

  /**
   * The extractor of a built-in profile.
   *
   * @throws IllegalArgumentException for any other profile name
   */
  public static Extractor forProfile(String profile) {
    Objects.requireNonNull(profile, "profile");
    switch (profile) {
      case BASIC: return basic();
      case FULL: return full();
      default: throw new IllegalArgumentException("unknown profile '" + profile + "'; expected one of " + PROFILES);
    }
  }
}
