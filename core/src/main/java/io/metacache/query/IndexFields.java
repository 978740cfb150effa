package io.metacache.query;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metadata keys the secondary indexes read, at the top level of an entry's metadata.
 *
 * <ul>
 *   <li>{@value #LANGUAGE}: a string ({@code "java"}, {@code "python"}, ...);
 *   <li>{@value #FUNCTIONS}, {@value #CLASSES}, {@value #REFERENCED_DOCS}: a list whose elements
 *       are strings or maps with a string {@value #NAME} (the seed's {@code functions[].name}).
 * </ul>
 *
 * Anything else is ignored: a missing key, a value of another type, a blank name. Matching is
 * exact and case-sensitive.
 */
public final class IndexFields {
  /** The source language, a string. */
  public static final String LANGUAGE = "language";
  /** Function or method names. */
  public static final String FUNCTIONS = "functions";
  /** Class, interface, struct and type names. */
  public static final String CLASSES = "classes";
  /** Documents the file refers to (paths or URLs as written in the file). */
  public static final String REFERENCED_DOCS = "referencedDocs";
  /** Key of the name in a map element of a list. */
  public static final String NAME = "name";

  private IndexFields() {}

  /** The language in {@code metadata}, or {@code null}. */
  static String language(Map<String, Object> metadata) {
    Object v = metadata.get(LANGUAGE);
    return v instanceof String && !((String) v).isBlank() ? (String) v : null;
  }

  /** The names listed under {@code key}, sorted, without duplicates or blanks. */
  static Set<String> names(Map<String, Object> metadata, String key) {
    Object v = metadata.get(key);
    Set<String> names = new TreeSet<>();
    if (v instanceof Collection) {
      for (Object element : (Collection<?>) v) {
        Object name = element instanceof Map ? ((Map<?, ?>) element).get(NAME) : element;
        if (name instanceof String && !((String) name).isBlank()) {
          names.add((String) name);
        }
      }
    }
    return names;
  }
}
