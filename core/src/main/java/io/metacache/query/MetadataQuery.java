package io.metacache.query;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A query over the secondary indexes: every criterion given must hold (AND). Terms match exactly;
 * the path pattern is a {@link Pattern} that must be found somewhere in the path
 * ({@link java.util.regex.Matcher#find()}, so anchor it with {@code ^...$} for a whole-path
 * match). Results come sorted by path, then profile, at most {@link #limit()} of them.
 *
 * <pre>{@code
 * MetadataQuery q = MetadataQuery.builder().language("java").function("main").pathRegex("/src/").limit(20).build();
 * }</pre>
 */
public final class MetadataQuery {
  /** The limit when none is set. */
  public static final int DEFAULT_LIMIT = 1000;

  private final String language;
  private final String function;
  private final String className;
  private final String referencedDoc;
  private final String profile;
  private final Pattern pathPattern;
  private final List<List<String>> pathLiterals;
  private final int limit;

  private MetadataQuery(Builder b) {
    this.language = b.language;
    this.function = b.function;
    this.className = b.className;
    this.referencedDoc = b.referencedDoc;
    this.profile = b.profile;
    this.pathPattern = b.pathPattern;
    this.pathLiterals = b.pathPattern == null ? List.of() : RegexLiterals.of(b.pathPattern);
    this.limit = b.limit;
  }

  /** A builder with no criteria and the default limit. */
  public static Builder builder() {
    return new Builder();
  }

  /** The language wanted, if any. */
  public Optional<String> language() { return Optional.ofNullable(language); }

  /** A function name the entry must list, if any. */
  public Optional<String> function() { return Optional.ofNullable(function); }

  /** A class name the entry must list, if any. */
  public Optional<String> className() { return Optional.ofNullable(className); }

  /** A referenced document the entry must list, if any. */
  public Optional<String> referencedDoc() { return Optional.ofNullable(referencedDoc); }

  /** The profile wanted, if any. */
  public Optional<String> profile() { return Optional.ofNullable(profile); }

  /** The path pattern, if any. */
  public Optional<Pattern> pathPattern() { return Optional.ofNullable(pathPattern); }

  /**
   * Literals every path matching the path pattern contains: all those of at least one element
   * ({@link RegexLiterals}). Empty if there is no pattern or no such condition could be read.
   */
  List<List<String>> pathLiterals() { return pathLiterals; }

  /** Most results returned. */
  public int limit() { return limit; }

  /** Whether {@code entry} satisfies every criterion (expiry and the limit aside). */
  public boolean matches(IndexedEntry entry) {
    return matches(entry, null);
  }

  /**
   * {@link #matches(IndexedEntry)} with a matcher of the path pattern to reuse (reset to the
   * entry's path), or {@code null} for a new one: one matcher per query instead of one per entry.
   */
  boolean matches(IndexedEntry entry, Matcher pathMatcher) {
    return matchesTerms(entry)
        && (pathPattern == null
            || (pathMatcher != null ? pathMatcher.reset(entry.path()) : pathPattern.matcher(entry.path())).find());
  }

  /** Whether {@code entry} satisfies every criterion but the path pattern. */
  boolean matchesTerms(IndexedEntry entry) {
    return (language == null || language.equals(entry.language()))
        && (function == null || entry.functions().contains(function))
        && (className == null || entry.classes().contains(className))
        && (referencedDoc == null || entry.referencedDocs().contains(referencedDoc))
        && (profile == null || profile.equals(entry.profile()));
  }

  @Override
  public String toString() {
    return "MetadataQuery[language=" + language + ", function=" + function + ", class=" + className
        + ", doc=" + referencedDoc + ", profile=" + profile + ", path=" + pathPattern + ", limit=" + limit + "]";
  }

  /** Builds a {@link MetadataQuery}; each setter validates its argument. */
  public static final class Builder {
    private String language;
    private String function;
    private String className;
    private String referencedDoc;
    private String profile;
    private Pattern pathPattern;
    private int limit = DEFAULT_LIMIT;

    private Builder() {}

    /** Only entries of this language. */
    public Builder language(String language) {
      this.language = term("language", language);
      return this;
    }

    /** Only entries that define this function. */
    public Builder function(String name) {
      this.function = term("function", name);
      return this;
    }

    /** Only entries that define this class. */
    public Builder className(String name) {
      this.className = term("class", name);
      return this;
    }

    /** Only entries that reference this document. */
    public Builder referencedDoc(String doc) {
      this.referencedDoc = term("doc", doc);
      return this;
    }

    /** Only entries of this extraction profile. */
    public Builder profile(String profile) {
      this.profile = term("profile", profile);
      return this;
    }

    /**
     * Only entries whose path contains a match of {@code regex}.
     *
     * @throws IllegalArgumentException if {@code regex} is not a valid regular expression
     */
    public Builder pathRegex(String regex) {
      Objects.requireNonNull(regex, "regex");
      try {
        this.pathPattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("invalid path regex '" + regex + "': "
            + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), e);
      }
      return this;
    }

    /** At most this many results, 1 to {@link Integer#MAX_VALUE}. */
    public Builder limit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit: expected at least 1, got " + limit);
      }
      this.limit = limit;
      return this;
    }

    /** The query. */
    public MetadataQuery build() {
      return new MetadataQuery(this);
    }

    private static String term(String what, String value) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + ": expected a non-blank value");
      }
      return value;
    }
  }
}
