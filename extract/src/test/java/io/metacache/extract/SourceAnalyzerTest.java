package io.metacache.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceAnalyzerTest {

  @Test
  void java() {
    String src = String.join("\n",
        "package x;",
        "/** See docs/format.md and https://example.org/spec.html. */",
        "public final class Foo<T> implements Bar {",
        "  private final String s = \"void fake() {\";",
        "  Foo(int x) { this.x = x; }",
        "  public static <T> java.util.List<T> listOf(T a) throws java.io.IOException, RuntimeException {",
        "    if (a == null) { return null; }",
        "    new Thread(() -> run()) { };",
        "    return java.util.List.of(a);",
        "  }",
        "  // int commented() {",
        "  abstract void noBody();",
        "  record Point(int x, int y) {}",
        "  enum Color { RED }",
        "  interface Shape { default double area() { return 0; } }",
        "  int[] arr() { return null; }",
        "}");
    SourceSymbols s = SourceAnalyzer.analyze(SourceLanguage.JAVA, src);
    assertThat(s.language()).isEqualTo("java");
    assertThat(s.classes()).containsExactlyInAnyOrder("Foo", "Point", "Color", "Shape");
    assertThat(s.functions()).containsExactlyInAnyOrder("Foo", "listOf", "area", "arr");
    assertThat(s.referencedDocs()).containsExactlyInAnyOrder("docs/format.md", "https://example.org/spec.html");
    assertThat(s.lines()).isEqualTo(17);
  }

  @Test
  void python() {
    String src = String.join("\n",
        "\"\"\"Module doc, see README.md.\"\"\"",
        "class Cache(Base):",
        "    def get(self, key):",
        "        s = 'def fake():'",
        "        return None",
        "    async def aget(self):  # see https://docs.python.org/3/ ",
        "        pass",
        "def top(): pass");
    SourceSymbols s = SourceAnalyzer.analyze(SourceLanguage.PYTHON, src);
    assertThat(s.classes()).containsExactly("Cache");
    assertThat(s.functions()).containsExactlyInAnyOrder("get", "aget", "top");
    assertThat(s.referencedDocs()).containsExactlyInAnyOrder("README.md", "https://docs.python.org/3/");
  }

  @Test
  void c() {
    String src = String.join("\n",
        "#include <stdio.h>",
        "#define MAX(a, b) { (a) > (b) }",
        "/* Implements doc/DESIGN.md */",
        "struct node { int v; };",
        "typedef struct { int x; } point_t;",
        "static int add(int a, int b)",
        "{",
        "  if (a) { return add(a - 1, b); }",
        "  return a + b;",
        "}",
        "int proto(void);",
        "int (*fp)(int) = 0;",
        "void *alloc(size_t n) { return malloc(n); }");
    SourceSymbols s = SourceAnalyzer.analyze(SourceLanguage.C, src);
    assertThat(s.classes()).containsExactlyInAnyOrder("node", "point_t");
    assertThat(s.functions()).containsExactlyInAnyOrder("add", "alloc");
    assertThat(s.referencedDocs()).containsExactly("doc/DESIGN.md");
  }

  @Test
  void go() {
    String src = String.join("\n",
        "package main",
        "// Doc: https://go.dev/doc/effective_go",
        "type Server struct { inner struct { x int } }",
        "type (",
        "  Handler interface { Serve() }",
        "  Pair[K any] struct { k K }",
        ")",
        "func (s *Server) Start() error { return nil }",
        "func main() { s := `func fake() {}`; _ = s }");
    SourceSymbols s = SourceAnalyzer.analyze(SourceLanguage.GO, src);
    assertThat(s.classes()).containsExactlyInAnyOrder("Server", "Handler", "Pair");
    assertThat(s.functions()).containsExactlyInAnyOrder("Start", "main");
    assertThat(s.referencedDocs()).containsExactly("https://go.dev/doc/effective_go");
  }
}
