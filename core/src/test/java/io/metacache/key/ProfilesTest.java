package io.metacache.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProfilesTest {

  private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @ParameterizedTest
  @ValueSource(strings = {"basic", "full", "a", "EXIF.v2", "pdf_props-1", "0", "..", "-"})
  void acceptsNamesOfTheAlphabet(String profile) {
    assertThat(Profiles.validate(profile)).isSameAs(profile);
    assertThat(Profiles.isValid(profile)).isTrue();
  }

  @Test
  void acceptsSixtyFourCharactersAndRefusesSixtyFive() {
    assertThat(Profiles.validate("p".repeat(64))).hasSize(64);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Profiles.validate("p".repeat(65)))
        .withMessageContaining("has 65 characters")
        .withMessageContaining("1-64 characters of [A-Za-z0-9._-]");
  }

  @Test
  void refusesEmpty() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Profiles.validate(""))
        .withMessage("profile \"\" has 0 characters; expected 1-64 characters of [A-Za-z0-9._-]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"full text", "basic/", "tier:1", "caf\u00e9", "a\u0000", "x*", "\u212a"})
  void refusesOtherCharactersNamingValueAndAlphabet(String profile) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Profiles.validate(profile))
        .withMessageContaining("profile \"" + profile + "\"")
        .withMessageContaining("at index")
        .withMessageContaining("expected 1-64 characters of [A-Za-z0-9._-]");
    assertThat(Profiles.isValid(profile)).isFalse();
  }

  @Test
  void namesAnUnprintableCharacterByCodePoint() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Profiles.validate("ab\tc"))
        .withMessageContaining("U+0009 at index 2");
  }

  @Test
  void echoesOnlyTheStartOfAHugeValue() {
    String huge = "x".repeat(10_000);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Profiles.validate(huge))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  @Test
  void refusesNull() {
    assertThatNullPointerException().isThrownBy(() -> Profiles.validate(null));
    assertThat(Profiles.isValid(null)).isFalse();
  }

  /** The bit-table check agrees with the regular expression it replaces. */
  @Property(tries = 2000)
  void validationAgreesWithTheGrammar(@ForAll("candidates") String profile) {
    boolean expected = GRAMMAR.matcher(profile).matches();
    assertThat(Profiles.isValid(profile)).isEqualTo(expected);
    if (expected) {
      assertThat(Profiles.validate(profile)).isEqualTo(profile);
    } else {
      assertThatIllegalArgumentException().isThrownBy(() -> Profiles.validate(profile));
    }
  }

  @Provide
  Arbitrary<String> candidates() {
    Arbitrary<String> nearValid = Arbitraries.strings()
        .withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars("._-/: \u00e9\u212a@[`{\u007f")
        .ofMinLength(0).ofMaxLength(70);
    Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(70);
    return Arbitraries.oneOf(nearValid, anyChars);
  }
}
