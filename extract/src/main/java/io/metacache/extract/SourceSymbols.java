package io.metacache.extract;

import io.metacache.query.IndexFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the source analysis found, written under the keys the query indexes read.
 *
 * @param language the language id
 * @param functions function and method names, sorted, distinct
 * @param classes class, interface, enum, record, struct and type names, sorted, distinct
 * @param referencedDocs documents referenced in comments, sorted, distinct
 * @param lines lines in the file
 */
record SourceSymbols(String language, Set<String> functions, Set<String> classes, Set<String> referencedDocs,
    long lines) {

  Map<String, Object> toMetadata() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(IndexFields.LANGUAGE, language);
    m.put(IndexFields.FUNCTIONS, new ArrayList<>(functions));
    m.put(IndexFields.CLASSES, new ArrayList<>(classes));
    m.put(IndexFields.REFERENCED_DOCS, new ArrayList<>(referencedDocs));
    m.put("lines", lines);
    return m;
  }
}
