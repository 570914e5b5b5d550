use super::*;

/// `query` is RFC 9535 JSONPath, and jsonpath-rust parses it too.
#[track_caller]
fn valid(query: &str) {
    if let Err(error) = check(query) {
        panic!("{query:?} refused: {error}");
    }
    if let Err(error) = jsonpath_rust::parser::parse_json_path(query) {
        panic!("{query:?} is valid, but jsonpath-rust refuses it: {error}");
    }
}

/// `query` is refused at `character` (1-based) with a reason containing `words`.
#[track_caller]
fn invalid(query: &str, character: usize, words: &str) {
    match check(query) {
        Ok(()) => panic!("{query:?} accepted"),
        Err(error) => {
            let message = error.to_string();
            assert!(
                message.contains(words) && error.character == character,
                "{query:?}: expected {words:?} at character {character}, got: {message}"
            );
        }
    }
}

#[test]
fn no_blank_space_around_the_query() {
    valid("$");
    valid("$.id");
    invalid(" $.id", 1, "blank space before the query");
    invalid("\n$", 1, "blank space before the query");
    invalid(
        "$.id ",
        5,
        "blank space after the query at character 5: remove it",
    );
    invalid("$.id\t", 5, "blank space after the query");
    invalid("$[0]\r\n", 5, "blank space after the query");
    invalid(
        "$.id\n",
        5,
        "a YAML block, `|` or `>`, ends with a line break unless written `|-`",
    );
    invalid("$.id junk", 6, "unexpected `junk` after the query");
    invalid("$.id]", 5, "unexpected `]` in the query");
    invalid("", 1, "the query is empty");
    invalid("id", 1, "a JSONPath starts with `$`");
    invalid("@.id", 1, "`@` is the current node, only inside a filter");
    // Counted in characters, not bytes.
    invalid("$.日本 x", 6, "unexpected `x`");
}

#[test]
fn blank_space_between_segments_and_inside_brackets_and_filters() {
    valid("$ .a");
    valid("$.a\n[0]\t..b");
    valid("$[ 0 , 1 ]");
    valid("$[\t'a'\n,\r*]");
    valid("$[ ?@.a]");
    valid("$[?\n@.a]");
    valid("$[?@.a ]");
    valid("$[?@.a\n&&\n@.b ||\t@.c]");
    valid("$[?@.a\n==\n1]");
    valid("$[?( @.a )]");
    valid("$[?! @.a]");
    valid("$[?! (@.a)]");
    valid("$[?count( @.* )==1]");
    valid("$[?search(@ ,\n'a')]");
    valid("$[?length(@\n.a\n.b) == 3]");
    invalid("$. a", 3, "blank space after `.`");
    invalid("$.. a", 4, "blank space after `..`");
    invalid(
        "$[?count (@.*)==1]",
        9,
        "blank space between a function's name and its `(`",
    );
    invalid("$[0 1]", 5, "selectors in brackets are separated by commas");
    invalid("$[?@.a== - 1]", 11, "blank space after `-`");
}

#[test]
fn quoted_names_and_their_escapes() {
    valid("$['a']");
    valid("$[\"a\"]");
    valid("$['']");
    valid("$['\"']");
    valid("$[\"'\"]");
    valid("$['\\'']");
    valid("$[\"\\\"\"]");
    valid("$['\\b\\f\\n\\r\\t\\/\\\\']");
    valid("$['\\u00e9\\u00E9']");
    valid("$['\\uD834\\uDD1E']");
    valid("$['\\ud834\\udd1e']");
    valid("$['é 日本 \u{7f} \u{1F600}']");
    invalid("$['\\\"']", 4, "`\\\"` is not an escape inside `'` quotes");
    invalid("$[\"\\'\"]", 4, "`\\'` is not an escape inside `\"` quotes");
    invalid("$['\\a']", 4, "`\\a` is not an escape");
    invalid("$['\\U00e9']", 4, "`\\U` is not an escape");
    invalid("$['\\u00g9']", 4, "four hex digits");
    invalid("$['\\u00e']", 4, "four hex digits");
    invalid("$['\\uD834']", 4, "half of a surrogate pair");
    invalid("$['\\uD834x']", 4, "half of a surrogate pair");
    invalid("$['\\uD834\\u0041']", 10, "not the low half");
    invalid("$['\\uDD1E']", 4, "the low half of a surrogate pair, alone");
    invalid(
        "$['a\tb']",
        5,
        "control character U+0009 in a string at character 5: write it as the escape `\\t`",
    );
    invalid("$['\u{1}']", 4, "`\\u0001`");
    invalid("$['a", 5, "the query ends inside a string");
    invalid("$['\\", 4, "the query ends inside an escape");
    invalid("$[''']", 5, "unexpected `'` in brackets");
}

#[test]
fn names_after_a_dot() {
    valid("$.a");
    valid("$._");
    valid("$.A_b9");
    valid("$.é");
    valid("$.日本");
    valid("$.\u{1F600}");
    valid("$..a1");
    invalid("$.1", 3, "write `['1']` for a name or `[1]` for an index");
    invalid("$.1a", 3, "write the name in brackets, `['1a']`");
    invalid("$..1", 4, "`..['1']`");
    invalid("$.-a", 2, "`.` must be followed by a name or `*`");
    invalid("$.a-b", 4, "unexpected `-` in the query");
    invalid("$.&", 2, "`.` must be followed by a name or `*`");
    invalid("$.", 2, "`.` must be followed by a name or `*`");
}

#[test]
fn integers_in_indices_and_slices() {
    valid("$[0]");
    valid("$[-1]");
    valid("$[9007199254740991]");
    valid("$[-9007199254740991]");
    invalid(
        "$[01]",
        3,
        "`01` has a leading zero at character 3: write `1`",
    );
    invalid(
        "$[-01]",
        3,
        "`-01` has a leading zero at character 3: write `-1`",
    );
    invalid("$[00]", 3, "write `0`");
    invalid("$[-0]", 3, "`-0` is not an integer here");
    invalid("$[+1]", 3, "`+` before a number");
    invalid("$[- 1]", 4, "blank space after `-`");
    invalid("$[-]", 3, "expected an index, a whole number");
    invalid("$[1.0]", 3, "an index is a whole number");
    invalid("$[1e2]", 3, "an index is a whole number");
    invalid("$[9007199254740992]", 3, "too large for an index");
    invalid("$[-9007199254740992]", 3, "too large for an index");
    invalid(
        "$[99999999999999999999999999999]",
        3,
        "too large for an index",
    );
}

#[test]
fn slices() {
    valid("$[:]");
    valid("$[::]");
    valid("$[1:]");
    valid("$[:2]");
    valid("$[1:2:3]");
    valid("$[::-1]");
    valid("$[ 1 : 2 : 3 ]");
    valid("$[1 :2]");
    valid("$[-9007199254740991:9007199254740991:1]");
    invalid("$[1:2:3:4]", 8, "a slice has at most two `:`");
    invalid("$[1:2:a]", 7, "unexpected `a` in brackets");
    invalid("$[::-0]", 5, "`-0` is not an integer here");
    invalid("$[:01]", 4, "leading zero");
    invalid("$[::9007199254740992]", 5, "too large for a slice's step");
    invalid("$[:-9007199254740992:]", 4, "too large for a slice's end");
}

#[test]
fn wildcards_descendants_and_selector_lists() {
    valid("$.*");
    valid("$[*]");
    valid("$..*");
    valid("$..a");
    valid("$..[0]");
    valid("$..['a','b']");
    valid("$[0, 'a', *, 1:2, ?@.b]");
    invalid("$..", 2, "`..` must be followed by a name, `*` or `[...]`");
    invalid("$...a", 2, "`..` must be followed by a name");
    invalid("$[**]", 4, "unexpected `*` in brackets");
    invalid("$[]", 2, "empty brackets `[]`");
    invalid("$[ ]", 4, "blank brackets");
    invalid("$[,0]", 3, "a comma before the first selector");
    invalid("$[0,]", 4, "a comma after the last selector");
    invalid("$[0, ]", 4, "a comma after the last selector");
    invalid("$[@.a]", 3, "a query in brackets needs `?` before it");
    invalid("$[a]", 3, "a name in brackets is quoted: `['a']`");
    invalid("$[0", 4, "close the `[` at character 2 with `]`");
}

#[test]
fn logical_operators_and_parentheses() {
    valid("$[?@.a]");
    valid("$[?$.a]");
    valid("$[?@]");
    valid("$[?@.a || @.b && !@.c]");
    valid("$[?(@.a || @.b) && !(@.c)]");
    valid("$[?!(!@.a)]");
    valid("$[?@.*]");
    valid("$[?@..a]");
    valid("$[?@[?@.b]]");
    invalid("$[?!!@.a]", 5, "`!` twice");
    invalid("$[?@.a &&]", 10, "cannot start an expression");
    invalid("$[?@.a & @.b]", 8, "`&` is not an RFC 9535 operator");
    invalid("$[?@.a | @.b]", 8, "join tests with `||`");
    invalid(
        "$[?@.a and @.b]",
        8,
        "`and` is not an RFC 9535 operator at character 8: write `&&`",
    );
    invalid("$[?@.a or @.b]", 8, "write `||`");
    invalid("$[?not @.a]", 4, "`not` is not a JSONPath expression");
    invalid("$[?(@.a]", 8, "expected `&&`, `||` or `)`");
    invalid("$[?(@.a", 8, "close the `(` at character 4 with `)`");
    invalid("$[?@.a)]", 7, "expected `&&`, `||`, `,` or `]`");
    invalid("$[?]", 4, "cannot start an expression");
    invalid("$[?true]", 4, "a literal alone is not a test");
    invalid("$[?'a' && @.b]", 4, "a literal alone is not a test");
    invalid("$[?@.b || null]", 11, "a literal alone is not a test");
    invalid(
        "$[?!1]",
        5,
        "`!` applies to a query or a logical function, not a literal",
    );
}

#[test]
fn comparisons_between_comparables() {
    for operator in ["==", "!=", "<", "<=", ">", ">="] {
        valid(&format!("$[?@.a {operator} 1]"));
        valid(&format!("$[?@.a{operator}@.b]"));
    }
    valid("$[?@.a == -0]");
    valid("$[?@.a == -0.0]");
    valid("$[?@.a == 1.5e3]");
    valid("$[?@.a == 1E-2]");
    valid("$[?@.a == 2e+10]");
    valid("$[?@.a == 'x']");
    valid("$[?@.a == \"x\"]");
    valid("$[?@.a == true || @.a == false || @.a == null]");
    valid("$[?@.a.b[0]['c'][-1] == $.x]");
    valid("$[?@ == 1]");
    valid("$[?1 == 1]");
    valid("$[?@.a == length(@.b)]");
    valid("$[?!(@.a == 1)]");
    invalid(
        "$[?@.* == 1]",
        4,
        "a query that can select several nodes is compared",
    );
    invalid("$[?@..a == 1]", 4, "several nodes");
    invalid("$[?@[0,1] == 1]", 4, "several nodes");
    invalid("$[?@[0:1] == 1]", 4, "several nodes");
    invalid("$[?@[?@.b] == 1]", 4, "several nodes");
    invalid("$[?1 == $.*]", 9, "several nodes");
    invalid(
        "$[?@[ 'a' ] == 1]",
        4,
        "a query with blank space inside its brackets is compared",
    );
    invalid("$[?@.a == 01]", 11, "`01` has a leading zero");
    invalid(
        "$[?@.a == 1.]",
        13,
        "expected digits after the decimal point",
    );
    invalid("$[?@.a == .5]", 11, "a number starts with a digit");
    invalid("$[?@.a == +1]", 11, "`+` before a number");
    invalid("$[?@.a == 1e]", 13, "expected the exponent's digits");
    invalid("$[?@.a == --1]", 11, "`-` must be followed by digits");
    invalid("$[?@.a == True]", 11, "`True` is not a literal");
    invalid(
        "$[?@.a == NULL]",
        11,
        "write `true`, `false` or `null` in lowercase",
    );
    invalid("$[?@.a == 1 == 2]", 13, "comparisons cannot be chained");
    invalid(
        "$[?!@.a == 1]",
        4,
        "`!` negates the test right after it, not a comparison",
    );
    invalid(
        "$[?@.a = 1]",
        8,
        "`=` is not an RFC 9535 operator at character 8: compare with `==`",
    );
    invalid(
        "$[?@.a === 1]",
        8,
        "`===` is not an RFC 9535 operator at character 8: write `==`",
    );
    invalid("$[?@.a !== 1]", 8, "write `!=`");
    invalid(
        "$[?@.a <> 1]",
        8,
        "`<>` is not an RFC 9535 operator at character 8: write `!=`",
    );
    invalid("$[?@.a => 1]", 8, "write `>=`");
    invalid("$[?@.a == (1)]", 11, "parentheses here hold a value");
    invalid("$[?@.a == !@.b]", 11, "`!` negates a test, not a value");
    invalid("$[?@.a ==]", 10, "cannot start an expression");
    invalid(
        "$[?@.a ==",
        10,
        "the query ends where an expression was expected",
    );
}

#[test]
fn jsonpath_rust_operators_are_refused_with_what_to_write() {
    let cases = [
        ("$[?@.a in [1,2]]", "`in` is not an RFC 9535 operator at character 8: compare with `==` and join with `||`"),
        ("$[?@.a nin [1,2]]", "`nin` is not an RFC 9535 operator at character 8: compare with `!=` and join with `&&`"),
        ("$[?@.a size 2]", "`size` is not an RFC 9535 operator at character 8: compare the length, e.g. `length(@.a) == 2`"),
        ("$[?@.a subsetOf [1]]", "`subsetOf` is not an RFC 9535 operator"),
        ("$[?@.a anyOf [1]]", "`anyOf` is not an RFC 9535 operator"),
        ("$[?@.a noneOf [1]]", "`noneOf` is not an RFC 9535 operator"),
        ("$[?@.a ~= 'x']", "`~=` is not an RFC 9535 operator at character 8: match a regular expression with `match(@.a, 'regex')`"),
        ("$[?@.a =~ 'x']", "`=~` is not an RFC 9535 operator"),
        ("$[?(@.a in [1,2])]", "`in` is not an RFC 9535 operator at character 9"),
    ];
    for (query, message) in cases {
        let error = check(query).expect_err(query);
        assert!(error.to_string().contains(message), "{query}: {error}");
    }
    // What to write instead.
    valid("$[?@.a == 1 || @.a == 2]");
    valid("$[?@.a != 1 && @.a != 2]");
    valid("$[?length(@.a) == 2]");
    valid("$[?match(@.a, 'x')]");
    valid("$[?search(@.a, 'x')]");
    // jsonpath-rust's own functions.
    invalid(
        "$[?in(@.a, 1)]",
        4,
        "`in()` is jsonpath-rust's own function, not RFC 9535's",
    );
    invalid("$[?none_of(@.a, 1)]", 4, "jsonpath-rust's own function");
}

#[test]
fn functions_and_their_types() {
    valid("$[?length(@.a) > 1]");
    valid("$[?length('abc') == 3]");
    valid("$[?length(1) == 0]");
    valid("$[?length(value(@..a)) == 1]");
    valid("$[?length(length(@.a)) == 0]");
    valid("$[?count(@.*) == 2]");
    valid("$[?count(@..a) > 0]");
    valid("$[?count(@) == 1]");
    valid("$[?count(@[?@.b]) == 1]");
    valid("$[?match(@.a, 'x.*')]");
    valid("$[?search(@.a, $.pattern)]");
    valid("$[?!match(@.a, 'x')]");
    valid("$[?match(@.a, 'x') && search(@.b, 'y')]");
    valid("$[?value(@..a) == 1]");
    valid("$[?match(@.a, value($..p))]");
    invalid(
        "$[?length(@.*) == 1]",
        11,
        "`length()` given a query that can select several nodes",
    );
    invalid("$[?length(@[1,2]) < 3]", 11, "several nodes");
    invalid(
        "$[?length(@[ 'a' ]) < 3]",
        11,
        "blank space inside its brackets",
    );
    invalid(
        "$[?match(@.*, 'a')]",
        10,
        "`match()` given a query that can select several nodes",
    );
    invalid("$[?length(@.a)]", 4, "`length()` used alone as a test at character 4: it gives a value, not a logical result: compare it");
    invalid("$[?count(@.*)]", 4, "`count()` used alone as a test");
    invalid("$[?value(@.a)]", 4, "`value()` used alone as a test");
    invalid(
        "$[?@.a && count(@.*)]",
        11,
        "`count()` used alone as a test",
    );
    invalid(
        "$[?!length(@.a)]",
        5,
        "`!` before `length()`, which gives a value",
    );
    invalid(
        "$[?count(1) == 1]",
        10,
        "`count()` given something other than a query",
    );
    invalid("$[?count('a') == 1]", 10, "it takes a query");
    invalid(
        "$[?count(@.a == 1) == 1]",
        10,
        "`count()` given something other than a query",
    );
    invalid(
        "$[?value(length(@.a)) == 1]",
        10,
        "`value()` given something other than a query",
    );
    invalid(
        "$[?length(@.a == 1) == 1]",
        11,
        "`length()` given a logical expression",
    );
    invalid(
        "$[?length(match(@.a, 'x')) == 1]",
        11,
        "`length()` given the logical result of `match()`",
    );
    invalid("$[?match(@.a, 'x') == true]", 4, "`match()` is compared");
    invalid("$[?true == search(@.a, 'x')]", 12, "`search()` is compared");
    invalid("$[?foo(@.a)]", 4, "`foo()` is not an RFC 9535 function");
    invalid("$[?Length(@.a) == 1]", 4, "`Length` is not a function name");
    invalid(
        "$[?length (@.a) == 1]",
        10,
        "blank space between a function's name and its `(`",
    );
    invalid("$[?length() == 1]", 11, "too few arguments for `length()`");
    invalid("$[?match(@.a)]", 13, "too few arguments for `match()`");
    invalid(
        "$[?length(@.a, @.b) == 1]",
        16,
        "too many arguments for `length()`",
    );
    invalid(
        "$[?search(@.a, 'x', 'y')]",
        21,
        "too many arguments for `search()`",
    );
    invalid(
        "$[?length(@.a 1) == 1]",
        15,
        "unexpected `1` at character 15: expected `,` or `)`",
    );
    invalid("$[?length(@.a", 14, "close `length(` with `)`");
}

/// A query nested `levels` deep: a filter, then parentheses.
fn nested(levels: usize) -> String {
    let parentheses = levels - 1;
    format!(
        "$[?{}@.a{}]",
        "(".repeat(parentheses),
        ")".repeat(parentheses)
    )
}

#[test]
fn nesting_is_bounded_and_said_so() {
    valid(&nested(MAX_NESTING));
    invalid(&nested(MAX_NESTING + 1), 67, "more than 64 levels deep");
    // Hostile depths end in the same message, without exhausting the stack.
    for (open, close) in [
        ("(", ")"),
        ("$[?", "]"),
        ("length(", ")"),
        ("!(", ")"),
        ("count(@[?", "])"),
        ("@[?", "]"),
    ] {
        let query = format!("$[?{}@{}]", open.repeat(100_000), close.repeat(100_000));
        let error = check(&query).expect_err("too deep");
        assert!(
            error.reason.contains("more than 64 levels"),
            "{open}: {error}"
        );
        let unclosed = format!("$[?{}", open.repeat(100_000));
        assert!(check(&unclosed).is_err());
    }
    // The deepest query allowed, through the longest chain of calls per level (a function
    // call and a filter in it), is checked within an eighth of a thread's usual stack (an
    // unoptimised build needed under 192 KiB; before messages were built off the recursion,
    // between 512 KiB and 1 MiB).
    let mut inner = String::from("@.a");
    for _ in 0..(MAX_NESTING - 2) / 2 {
        inner = format!("count(@[?{inner}]) == 1");
    }
    let deepest = format!("$[?({inner})]");
    valid(&deepest);
    let checked = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || check(&deepest).is_ok())
        .expect("a thread")
        .join()
        .expect("no overflow");
    assert!(checked);
    // Long but flat queries are fine.
    valid(&format!("$.{}", "a".repeat(1_000_000)));
    let list: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
    valid(&format!("$[{}]", list.join(",")));
    let chain: Vec<&str> = std::iter::repeat_n("@.a == 1", 10_000).collect();
    assert!(check(&format!("$[?{}]", chain.join(" || "))).is_ok());
}

/// Random queries from RFC 9535's grammar (well-typed), with blank space wherever the grammar
/// allows it.
struct Generator {
    rng: fastrand::Rng,
    depth: usize,
}

impl Generator {
    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[self.rng.usize(..choices.len())]
    }

    fn blank(&mut self) -> String {
        if self.rng.u8(..3) > 0 {
            return String::new();
        }
        (0..self.rng.usize(1..3))
            .map(|_| self.pick(&[" ", "\t", "\n", "\r"]))
            .collect()
    }

    fn query(&mut self) -> String {
        let mut query = String::from("$");
        for _ in 0..self.rng.usize(..5) {
            query.push_str(&self.blank());
            query.push_str(&self.segment());
        }
        query
    }

    fn segment(&mut self) -> String {
        match self.rng.u8(..8) {
            0 => format!(".{}", self.shorthand()),
            1 => ".*".into(),
            2 => format!("..{}", self.shorthand()),
            3 => "..*".into(),
            4 => format!("..{}", self.bracketed()),
            _ => self.bracketed(),
        }
    }

    fn shorthand(&mut self) -> String {
        self.pick(&["a", "b", "_", "A_b9", "é", "日本", "\u{1F600}", "x1"])
            .into()
    }

    fn bracketed(&mut self) -> String {
        let mut text = format!("[{}", self.blank());
        for i in 0..self.rng.usize(1..4) {
            if i > 0 {
                text.push_str(&format!("{},{}", self.blank(), self.blank()));
            }
            text.push_str(&self.selector());
        }
        text.push_str(&self.blank());
        text.push(']');
        text
    }

    fn selector(&mut self) -> String {
        match self.rng.u8(..if self.depth < 3 { 5 } else { 4 }) {
            0 => self.string(),
            1 => "*".into(),
            2 => self.int(),
            3 => self.slice(),
            _ => {
                self.depth += 1;
                let filter = format!("?{}{}", self.blank(), self.logical());
                self.depth -= 1;
                filter
            }
        }
    }

    fn int(&mut self) -> String {
        self.pick(&[
            "0",
            "1",
            "2",
            "-1",
            "-3",
            "10",
            "9007199254740991",
            "-9007199254740991",
        ])
        .into()
    }

    fn slice(&mut self) -> String {
        let mut text = String::new();
        if self.rng.bool() {
            text.push_str(&format!("{}{}", self.int(), self.blank()));
        }
        text.push(':');
        text.push_str(&self.blank());
        if self.rng.bool() {
            text.push_str(&format!("{}{}", self.int(), self.blank()));
        }
        if self.rng.bool() {
            text.push(':');
            if self.rng.bool() {
                text.push_str(&format!("{}{}", self.blank(), self.int()));
            }
        }
        text
    }

    fn string(&mut self) -> String {
        let quote = self.pick(&["'", "\""]);
        let mut text = String::from(quote);
        for _ in 0..self.rng.usize(..4) {
            let piece = match self.rng.u8(..10) {
                0 => self.pick(&["\\b", "\\f", "\\n", "\\r", "\\t", "\\/", "\\\\"]),
                1 => self.pick(&["\\u00e9", "\\u00E9", "\\uD834\\uDD1E", "\\ud83d\\ude00"]),
                2 if quote == "'" => self.pick(&["\\'", "\""]),
                2 => self.pick(&["\\\"", "'"]),
                _ => self.pick(&["a", "b c", "é", "日本", "\u{7f}", "]", "$[?", "\u{1F600}"]),
            };
            text.push_str(piece);
        }
        text.push_str(quote);
        text
    }

    fn logical(&mut self) -> String {
        let mut text = self.and();
        for _ in 0..self.rng.usize(..3) {
            let (before, after) = (self.blank(), self.blank());
            let next = self.and();
            text.push_str(&format!("{before}||{after}{next}"));
        }
        text
    }

    fn and(&mut self) -> String {
        let mut text = self.basic();
        for _ in 0..self.rng.usize(..3) {
            let (before, after) = (self.blank(), self.blank());
            let next = self.basic();
            text.push_str(&format!("{before}&&{after}{next}"));
        }
        text
    }

    fn not(&mut self) -> String {
        if self.rng.u8(..4) == 0 {
            format!("!{}", self.blank())
        } else {
            String::new()
        }
    }

    fn basic(&mut self) -> String {
        match self.rng.u8(..if self.depth < 3 { 3 } else { 2 }) {
            0 => {
                let not = self.not();
                let test = match self.rng.u8(..3) {
                    0 => self.logical_call(),
                    _ => self.filter_query(),
                };
                format!("{not}{test}")
            }
            1 => {
                let left = self.comparable();
                let operator = self.pick(&["==", "!=", "<", "<=", ">", ">="]);
                let (before, after) = (self.blank(), self.blank());
                let right = self.comparable();
                format!("{left}{before}{operator}{after}{right}")
            }
            _ => {
                self.depth += 1;
                let not = self.not();
                let (before, after) = (self.blank(), self.blank());
                let inner = self.logical();
                self.depth -= 1;
                format!("{not}({before}{inner}{after})")
            }
        }
    }

    fn filter_query(&mut self) -> String {
        let mut query = String::from(self.pick(&["@", "$"]));
        for _ in 0..self.rng.usize(..3) {
            query.push_str(&self.blank());
            query.push_str(&self.segment());
        }
        query
    }

    fn singular_query(&mut self) -> String {
        let mut query = String::from(self.pick(&["@", "$"]));
        for _ in 0..self.rng.usize(..3) {
            query.push_str(&self.blank());
            let segment = match self.rng.u8(..3) {
                0 => format!(".{}", self.shorthand()),
                1 => format!("[{}]", self.string()),
                _ => format!("[{}]", self.int()),
            };
            query.push_str(&segment);
        }
        query
    }

    fn literal(&mut self) -> String {
        match self.rng.u8(..4) {
            0 => self.string(),
            1 => self.pick(&["true", "false", "null"]).into(),
            _ => {
                let int = self.pick(&["0", "-0", "1", "-7", "42", "123456789"]);
                let fraction = self.pick(&["", "", ".5", ".0001"]);
                let exponent = self.pick(&["", "", "e3", "E-2", "e+10"]);
                format!("{int}{fraction}{exponent}")
            }
        }
    }

    fn comparable(&mut self) -> String {
        match self.rng.u8(..if self.depth < 3 { 3 } else { 2 }) {
            0 => self.literal(),
            1 => self.singular_query(),
            _ => self.value_call(),
        }
    }

    /// A function call giving a value: length(), count() or value().
    fn value_call(&mut self) -> String {
        self.depth += 1;
        let (before, after) = (self.blank(), self.blank());
        let call = match self.rng.u8(..3) {
            0 => {
                let argument = self.comparable();
                format!("length({before}{argument}{after})")
            }
            1 => {
                let argument = self.filter_query();
                format!("count({before}{argument}{after})")
            }
            _ => {
                let argument = self.filter_query();
                format!("value({before}{argument}{after})")
            }
        };
        self.depth -= 1;
        call
    }

    /// A function call giving a logical result: match() or search().
    fn logical_call(&mut self) -> String {
        self.depth += 1;
        let name = self.pick(&["match", "search"]);
        let (before, after) = (self.blank(), self.blank());
        let first = self.comparable();
        let (comma_before, comma_after) = (self.blank(), self.blank());
        let second = self.comparable();
        self.depth -= 1;
        format!("{name}({before}{first}{comma_before},{comma_after}{second}{after})")
    }
}

#[test]
fn generated_queries_are_accepted_and_their_mutants_do_not_panic() {
    let mut generator = Generator {
        rng: fastrand::Rng::with_seed(9535),
        depth: 0,
    };
    let junk = [
        " junk", " ", "]", ")", "x", " in [1]", "'", "[", "..", " &&",
    ];
    for _ in 0..4_000 {
        let query = generator.query();
        valid(&query);
        let chars: Vec<char> = query.chars().collect();
        // Cut short anywhere.
        let cut: String = chars[..generator.rng.usize(..chars.len())].iter().collect();
        let _ = check(&cut);
        let _ = crate::check::jsonpath::JsonPath::compile(&cut);
        // Junk after a whole query is always refused.
        let appended = format!("{query}{}", junk[generator.rng.usize(..junk.len())]);
        if !appended.ends_with('x') {
            assert!(check(&appended).is_err(), "{appended:?} accepted");
        }
        let _ = crate::check::jsonpath::JsonPath::compile(&appended);
        // A space put anywhere (into a name, a number, an operator).
        let at = generator.rng.usize(..=chars.len());
        let spaced: String = chars[..at]
            .iter()
            .chain([' '].iter())
            .chain(chars[at..].iter())
            .collect();
        let _ = check(&spaced);
        let _ = crate::check::jsonpath::JsonPath::compile(&spaced);
    }
}

#[test]
fn random_text_from_the_grammar_s_characters_never_panics() {
    let mut rng = fastrand::Rng::with_seed(2024);
    let alphabet: Vec<char> = "$@.[]()?!*:,'\"\\-+=<>&|~ \t\n0123456789eEabcdlnghtuvDF_é\u{1}"
        .chars()
        .collect();
    for _ in 0..20_000 {
        let mut text = String::from("$");
        for _ in 0..rng.usize(..30) {
            text.push(alphabet[rng.usize(..alphabet.len())]);
        }
        let _ = check(&text);
    }
}
