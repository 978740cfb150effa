package io.metacache.extract;

import io.metacache.Extractor;
import io.metacache.ExtractorInputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code full} profile: {@code basic}, then image metadata for {@code image/*} types and
 * source symbols for files whose extension names a supported language. A file that is neither gets
 * exactly the basic fields. An image whose metadata cannot be read still gets its basic fields and
 * an {@code imageError}. Image metadata comes from the bytes and the language from the name, so
 * its inputs are those of {@code basic}.
 */
final class FullExtractor implements Extractor {
  private final BasicExtractor basic;

  FullExtractor(BasicExtractor basic) {
    this.basic = basic;
  }

  @Override
  public Map<String, Object> extract(Path file) throws IOException {
    Map<String, Object> m = basic.extract(file);
    Object mime = m.get(BasicExtractor.MIME_TYPE);
    if (mime instanceof String && ((String) mime).startsWith("image/")) {
      m.putAll(ImageMetadata.read(file));
    }
    SourceLanguage language = SourceLanguage.of(file);
    if (language != null) {
      m.putAll(SourceAnalyzer.analyze(language, file).toMetadata());
    }
    return m;
  }

  @Override
  public ExtractorInputs inputs() {
    return BasicExtractor.INPUTS;
  }
}
