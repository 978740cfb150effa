package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The query and key/value settings appear in the README's property table too. */
class ReadmeDocumentsQueryAndKeyValuePropertiesTest {

  @Test
  void queryIndexAndOperationTtlPropertiesAreInTheReadmeTable() throws IOException {
    String text = Files.readString(Path.of("..", "README.md"));
    assertThat(text).contains("| `" + IndexKeeper.PROPERTY + "`");
    assertThat(text).contains("| `" + OperationTtls.PREFIX + "<operation>`");
  }
}
