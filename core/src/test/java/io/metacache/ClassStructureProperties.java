package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Seed properties 11 and 12, in their JVM form: every class of the library loads and initializes
 * (no static initializer fails, no referenced class is missing from the runtime classpath), every
 * method and constructor it declares links (its signature's types resolve and a method handle can
 * be made for it from inside its own class), and every public type offers a way to obtain it.
 * Generation is exhaustive: each class is tried exactly once.
 */
class ClassStructureProperties {

  @Provide
  Arbitrary<String> libraryClasses() throws IOException, URISyntaxException {
    List<String> names = libraryClassNames();
    assertThat(names).hasSizeGreaterThan(50);
    return Arbitraries.of(names);
  }

  private static List<String> libraryClassNames() throws IOException, URISyntaxException {
    Path root = Path.of(CacheConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> walk = Files.walk(root)) {
      names = walk.filter(p -> p.toString().endsWith(".class"))
          .map(p -> root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
          .filter(n -> !n.endsWith("package-info"))
          .sorted()
          .collect(Collectors.toList());
    }
    return names;
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void property11_methodDefinitionCorrectness_everyMethodLinksInItsClass(@ForAll("libraryClasses") String name)
      throws Exception {
    Class<?> type = Class.forName(name, false, getClass().getClassLoader());
    MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
    for (Method m : type.getDeclaredMethods()) {
      assertThat(m.getDeclaringClass()).isSameAs(type);
      if (!m.isSynthetic()) {
        assertThat(lookup.unreflect(m)).as("%s.%s links", name, m.getName()).isNotNull();
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      assertThat(lookup.unreflectConstructor(c)).isNotNull();
    }
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void property12_classInstantiationSuccess_everyClassInitializesAndPublicTypesAreObtainable(
      @ForAll("libraryClasses") String name) throws Exception {
    Class<?> type = Class.forName(name, true, getClass().getClassLoader());
    assertThat(type.getName()).isEqualTo(name);
    boolean isPublicConcrete = Modifier.isPublic(type.getModifiers()) && !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers()) && !type.isEnum() && !type.isAnnotation()
        && !Throwable.class.isAssignableFrom(type) && type.getEnclosingClass() == null;
    if (isPublicConcrete) {
      boolean obtainable = Stream.of(type.getConstructors()).findAny().isPresent()
          || Stream.of(type.getMethods()).anyMatch(m -> Modifier.isStatic(m.getModifiers())
              && (m.getReturnType() == type || m.getReturnType().getEnclosingClass() == type
                  || m.getReturnType().getName().startsWith(type.getName())))
          || isUtilityClass(type)
          || returnedByAPublicFactoryOfItsPackage(type);
      assertThat(obtainable).as("%s has a public constructor, factory or builder, or is a static utility", name)
          .isTrue();
    }
  }

  /** A builder type such as {@code MemoryTierBuilder}, obtained from {@code MemoryTier.builder()}. */
  private boolean returnedByAPublicFactoryOfItsPackage(Class<?> type) throws Exception {
    for (String other : libraryClassNames()) {
      Class<?> candidate = Class.forName(other, false, getClass().getClassLoader());
      if (candidate.getPackage() == type.getPackage() && Modifier.isPublic(candidate.getModifiers())) {
        for (Method m : candidate.getMethods()) {
          if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean isUtilityClass(Class<?> type) {
    return Stream.of(type.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
        .allMatch(m -> Modifier.isStatic(m.getModifiers()));
  }
}
