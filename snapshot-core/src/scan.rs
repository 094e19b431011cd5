//! A light scan of JavaScript source text for constructs an engine cannot capture, found
//! before the engine is asked to (ChakraCore's TTD ends the process on a live function
//! created inside a `with` block). It skips comments, strings, template literals and regular
//! expression literals well enough to find keywords; it is no parser.

/// A `with` statement whose body creates a function: the line of the `with` (1-based).
pub fn functions_in_with_blocks(source: &str) -> Vec<usize> {
    let tokens = tokens(source);
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let after_dot = i > 0 && tokens[i - 1].text == ".";
        if token.text != "with" || after_dot || tokens.get(i + 1).is_none_or(|t| t.text != "(") {
            continue;
        }
        let Some(head_end) = matching(&tokens, i + 1, "(", ")") else { continue };
        let body = match tokens.get(head_end + 1) {
            Some(t) if t.text == "{" => match matching(&tokens, head_end + 1, "{", "}") {
                Some(end) => &tokens[head_end + 1..=end],
                None => &tokens[head_end + 1..],
            },
            Some(_) => {
                let end = tokens[head_end + 1..]
                    .iter()
                    .position(|t| t.text == ";")
                    .map_or(tokens.len(), |p| head_end + 1 + p);
                &tokens[head_end + 1..end]
            }
            None => continue,
        };
        if body.iter().any(|t| t.text == "function" || t.text == "=>" || t.text == "class") {
            found.push(token.line);
        }
    }
    found
}

/// Tagged templates (`` tag`...` ``, `` f(x)`...` ``, `` a[0]`...` ``): the line of each.
pub fn tagged_templates(source: &str) -> Vec<usize> {
    let tokens = tokens(source);
    let tag_end =
        |t: &Token<'_>| t.text == ")" || t.text == "]" || (is_identifier(t.text) && !regex_may_start(Some(t)));
    tokens.windows(2).filter(|w| w[1].text == "`" && tag_end(&w[0])).map(|w| w[1].line).collect()
}

/// Module namespace bindings (`import * as ns from`, `import d, * as ns from`,
/// `export * as ns from`): the line of each `import` or `export` that makes one.
pub fn namespace_bindings(source: &str) -> Vec<usize> {
    let tokens = tokens(source);
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let after_dot = i > 0 && tokens[i - 1].text == ".";
        if (token.text != "import" && token.text != "export") || after_dot {
            continue;
        }
        let clause = tokens[i + 1..].iter().take_while(|t| t.text != "from" && t.text != ";" && t.text != "(");
        let clause: Vec<&str> = clause.take(8).map(|t| t.text).collect();
        if clause.windows(2).any(|w| w == ["*", "as"]) {
            found.push(token.line);
        }
    }
    found
}

fn is_identifier(text: &str) -> bool {
    text.bytes()
        .next()
        .is_some_and(|b| !b.is_ascii_digit() && (b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80))
}

/// A token: an identifier or keyword, or one punctuation mark (`=>` is one), with its line.
#[derive(Debug, PartialEq)]
struct Token<'a> {
    text: &'a str,
    line: usize,
}

fn matching(tokens: &[Token<'_>], open_at: usize, open: &str, close: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open_at) {
        if token.text == open {
            depth += 1;
        } else if token.text == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

fn tokens(source: &str) -> Vec<Token<'_>> {
    let bytes = source.as_bytes();
    let mut out: Vec<Token<'_>> = Vec::new();
    let (mut i, mut line) = (0usize, 1usize);
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    line += usize::from(bytes[i] == b'\n');
                    i += 1;
                }
                i += 2;
            }
            b'\'' | b'"' | b'`' => {
                // A template literal is a token of its own (a tag may come before it).
                if c == b'`' {
                    out.push(Token { text: &source[i..i + 1], line });
                }
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    line += usize::from(bytes[i] == b'\n');
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if regex_may_start(out.last()) => {
                i += 1;
                let mut in_class = false;
                while i < bytes.len() && bytes[i] != b'\n' && (in_class || bytes[i] != b'/') {
                    match bytes[i] {
                        b'[' => in_class = true,
                        b']' => in_class = false,
                        b'\\' => i += 1,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            _ if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                out.push(Token { text: &source[start..i], line });
            }
            _ if c.is_ascii_whitespace() => i += 1,
            b'=' if bytes.get(i + 1) == Some(&b'>') => {
                out.push(Token { text: &source[i..i + 2], line });
                i += 2;
            }
            _ => {
                out.push(Token { text: &source[i..i + 1], line });
                i += 1;
            }
        }
    }
    out
}

/// Whether a `/` after `previous` starts a regular expression (not a division).
fn regex_may_start(previous: Option<&Token<'_>>) -> bool {
    match previous {
        None => true,
        Some(t) => {
            matches!(
                t.text,
                "(" | ","
                    | "="
                    | ":"
                    | "["
                    | "!"
                    | "&"
                    | "|"
                    | "?"
                    | "{"
                    | "}"
                    | ";"
                    | "=>"
                    | "+"
                    | "-"
                    | "*"
                    | "%"
                    | "<"
                    | ">"
                    | "~"
                    | "^"
            ) || matches!(
                t.text,
                "return"
                    | "typeof"
                    | "instanceof"
                    | "in"
                    | "of"
                    | "new"
                    | "delete"
                    | "void"
                    | "throw"
                    | "case"
                    | "do"
                    | "else"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{functions_in_with_blocks, namespace_bindings, tagged_templates};

    #[test]
    fn namespace_bindings_are_found_and_look_alikes_are_not() {
        let source = "import * as a from './a.mjs';\nimport d, * as b from './b.mjs';\nexport * as c from './c.mjs';\n\
                      export * from './d.mjs';\nimport { e as f } from './e.mjs';\nconst s = 'import * as x from y';\n\
                      // import * as z from 'w'\nimport('./g.mjs');\nx.import * as;";
        assert_eq!(namespace_bindings(source), [1, 2, 3]);
    }

    #[test]
    fn finds_tagged_templates_and_not_plain_ones() {
        let source = "var a = html`<p>`;\nvar b = `plain ${x}`;\nf(1)`x`; list[0] `y`;\nreturn `z`; typeof `w`;\n";
        assert_eq!(tagged_templates(source), vec![1, 3, 3]);
        assert_eq!(tagged_templates("// tag`x`\nvar s = 'tag`x`';"), Vec::<usize>::new());
    }

    #[test]
    fn finds_functions_made_inside_with_blocks_and_nothing_else() {
        let source = "var o = {};\nwith (o) {\n  var f = function () { return x; };\n}\nwith (o) x = 1;\n";
        assert_eq!(functions_in_with_blocks(source), vec![2]);
        assert_eq!(functions_in_with_blocks("with (o) g = () => x;"), vec![1]);
        // In strings, comments, templates and regular expressions: not a statement.
        let hidden = "var s = 'with (o) { function () {} }'; // with (o) { function f() {} }\n\
                      /* with (o) { function f() {} } */ var t = `with (o) { function f() {} }`;\n\
                      var r = /with (o) { function f() {} }/; var d = 4 / 2 / 1;";
        assert_eq!(functions_in_with_blocks(hidden), Vec::<usize>::new());
        // A `with` property or method name is no statement.
        assert_eq!(functions_in_with_blocks("obj.with(function () {});"), Vec::<usize>::new());
    }
}
