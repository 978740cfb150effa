package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.query.IndexedEntry;
import io.metacache.query.MetadataQuery;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Queries the secondary indexes: every option given must hold. */
@Command(name = "query", description = "List cached files by language, function, class, referenced doc and path (all given must hold).")
final class QueryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Option(names = "--language", paramLabel = "LANG", description = "java, python, c, go, ...") String language;
  @Option(names = "--function", paramLabel = "NAME", description = "Defines this function.") String function;
  @Option(names = "--class", paramLabel = "NAME", description = "Defines this class or type.") String className;
  @Option(names = "--doc", paramLabel = "DOC", description = "References this document.") String doc;
  @Option(names = "--profile", paramLabel = "PROFILE", description = "Only entries of this profile.") String profile;
  @Option(names = "--path", paramLabel = "REGEX", description = "Path contains a match of REGEX.") String pathRegex;
  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N results (default: ${DEFAULT-VALUE}).")
  int limit;
  @Option(names = "--json", description = "A JSON array instead of a table.") boolean json;

  @Override
  public Integer call() {
    MetadataQuery.Builder b = MetadataQuery.builder().limit(limit);
    if (language != null) {
      b.language(language);
    }
    if (function != null) {
      b.function(function);
    }
    if (className != null) {
      b.className(className);
    }
    if (doc != null) {
      b.referencedDoc(doc);
    }
    if (profile != null) {
      b.profile(profile);
    }
    if (pathRegex != null) {
      b.pathRegex(pathRegex);
    }
    MetadataQuery query = b.build(); // a bad regex fails here, before the cache opens
    PrintWriter out = spec.commandLine().getOut();
    try (MetaCache cache = cacheOptions.open()) {
      List<IndexedEntry> hits = cache.query(query);
      if (json) {
        List<Object> rows = new ArrayList<>();
        for (IndexedEntry e : hits) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("path", e.path());
          row.put("profile", e.profile());
          row.put("language", e.language());
          row.put("functions", List.copyOf(new java.util.TreeSet<>(e.functions())));
          row.put("classes", List.copyOf(new java.util.TreeSet<>(e.classes())));
          row.put("referencedDocs", List.copyOf(new java.util.TreeSet<>(e.referencedDocs())));
          rows.add(row);
        }
        out.println(Json.write(rows));
      } else {
        for (IndexedEntry e : hits) {
          out.printf("%-8s %-8s %4d fn %3d cls  %s%n", e.profile(), e.language() == null ? "-" : e.language(),
              e.functions().size(), e.classes().size(), e.path());
        }
        spec.commandLine().getErr().printf("%d match%s%n", hits.size(), hits.size() == 1 ? "" : "es");
      }
    }
    return 0;
  }
}
