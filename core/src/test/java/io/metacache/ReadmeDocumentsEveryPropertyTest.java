package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every configuration property appears in the README's table, so documentation cannot drift. */
class ReadmeDocumentsEveryPropertyTest {

  @Test
  void everyPropertyIsInTheReadmeTable() throws IOException {
    // Surefire runs in the module directory; the README is at the repository root.
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    for (String property : CacheConfig.PROPERTIES) {
      assertThat(text).as("README documents %s", property).contains("| `" + property + "`");
    }
  }
}
