//! A reader's words as a query: words (all of them required), `"phrases"`, `AND`, `OR`
//! (between neighbours, as in a web search), `NOT` / `-word`, `+word` and parentheses; each
//! word or phrase is looked for in every text field, each with its boost.
//!
//! This is the whole syntax readers get, so the search runtime does not carry tantivy's query
//! parser, whose other syntax (fields, ranges, regular expressions, fuzzy terms, boosts, `*`) a
//! reader never uses. Leaving it out, and keeping tantivy's own term and phrase queries out of
//! `dyn Query` (see [`Leaf`]), took the runtime from 723 KB to 454 KB gzip, most of it the
//! regular-expression engine and its Unicode tables.

use std::fmt;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

/// How deep parentheses may nest; deeper ones are read as plain spaces (a reader never needs
/// that many, and a query of a thousand `(` must not exhaust the runtime's stack).
const MAX_DEPTH: usize = 16;

/// A text field free text is looked for in, with the analyzer its text was indexed with.
pub(crate) struct TextField {
    pub field: Field,
    pub boost: f32,
    pub analyzer: TextAnalyzer,
}

/// The query for `text` (already rid of characters readers do not mean as syntax), with what
/// could not be understood in plain words; `None` when it has no words to look for.
pub(crate) fn parse(text: &str, fields: &mut [TextField]) -> (Option<Box<dyn Query>>, Vec<String>) {
    let (tokens, mut warnings) = tokens(text);
    let mut parser = Parser {
        tokens,
        next: 0,
        depth: 0,
        fields,
        unmatched_close: false,
        unclosed: false,
    };
    // At the top, `all_of` reads every token, past any `)` with no `(`.
    let query = parser.all_of();
    if parser.unmatched_close {
        warnings.push("A closing bracket had no opening one, so it was read as a space.".into());
    }
    if parser.unclosed {
        warnings.push("An opening bracket was not closed, so it was closed at the end.".into());
    }
    (query, warnings)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Phrase(String),
    Open,
    Close,
    And,
    Or,
    Not,
    /// `-` before a word: leave out what has it.
    Minus,
    /// `+` before a word: it is required (as every word is).
    Plus,
}

fn tokens(text: &str) -> (Vec<Token>, Vec<String>) {
    let mut tokens = Vec::new();
    let mut warnings = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '"' => {
                let rest = &text[start + 1..];
                match rest.find('"') {
                    Some(end) => {
                        tokens.push(Token::Phrase(rest[..end].to_owned()));
                        while chars.peek().is_some_and(|&(at, _)| at <= start + 1 + end) {
                            chars.next();
                        }
                    }
                    None => {
                        warnings.push(
                            "A quotation mark was not closed, so the words after it were \
                             searched for as a phrase."
                                .to_owned(),
                        );
                        tokens.push(Token::Phrase(rest.to_owned()));
                        break;
                    }
                }
            }
            '-' | '+' if chars.peek().is_some_and(|&(_, next)| starts_word(next)) => {
                tokens.push(if c == '-' { Token::Minus } else { Token::Plus });
            }
            _ => {
                let mut end = text.len();
                while let Some(&(at, next)) = chars.peek() {
                    if next.is_whitespace() || matches!(next, '(' | ')' | '"') {
                        end = at;
                        break;
                    }
                    chars.next();
                }
                tokens.push(match &text[start..end] {
                    "AND" | "&&" => Token::And,
                    "OR" | "||" => Token::Or,
                    "NOT" => Token::Not,
                    word => Token::Word(word.to_owned()),
                });
            }
        }
    }
    (tokens, warnings)
}

/// Whether `c` can follow a `-` or `+` that applies to what comes after it.
fn starts_word(c: char) -> bool {
    !c.is_whitespace() && c != ')' && c != '-' && c != '+'
}

struct Parser<'a> {
    tokens: Vec<Token>,
    next: usize,
    depth: usize,
    fields: &'a mut [TextField],
    unmatched_close: bool,
    unclosed: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    /// Words, phrases and groups side by side (or joined by `AND`): all of them required, those
    /// after `NOT` or `-` excluded. Only exclusions means everything but them. Reads up to the
    /// `)` that closes the group, or to the end.
    fn all_of(&mut self) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut occur = Occur::Must;
        while let Some(token) = self.peek() {
            match token {
                Token::Close if self.depth > 0 => break,
                Token::Close => {
                    // Unmatched at the top: read as a space.
                    self.unmatched_close = true;
                    self.next += 1;
                }
                // `AND` is what a space means; `+` before a word, and `OR` with nothing before
                // it, say nothing more.
                Token::And | Token::Plus | Token::Or => self.next += 1,
                Token::Not | Token::Minus => {
                    occur = Occur::MustNot;
                    self.next += 1;
                    continue;
                }
                Token::Open | Token::Word(_) | Token::Phrase(_) => {
                    if let Some(query) = self.any_of() {
                        clauses.push((occur, query));
                    }
                }
            }
            occur = Occur::Must;
        }
        if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
            if clauses.is_empty() {
                return None;
            }
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        if clauses.len() == 1 && clauses[0].0 == Occur::Must {
            return clauses.pop().map(|(_, query)| query);
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// A word, phrase or group and those joined to it by `OR`: any of them matches. `OR` joins
    /// only its neighbours, as in a web search: `stop OR bus home` is `(stop OR bus) home`.
    fn any_of(&mut self) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        loop {
            if let Some(query) = self.one() {
                alternatives.push((Occur::Should, query));
            }
            let joined = self.peek() == Some(&Token::Or)
                && matches!(
                    self.tokens.get(self.next + 1),
                    Some(Token::Open | Token::Word(_) | Token::Phrase(_))
                );
            if !joined {
                break;
            }
            self.next += 1;
        }
        match alternatives.len() {
            0 => None,
            1 => alternatives.pop().map(|(_, query)| query),
            _ => Some(Box::new(BooleanQuery::new(alternatives))),
        }
    }

    /// One word, phrase or bracketed group (the next token is one of their starts).
    fn one(&mut self) -> Option<Box<dyn Query>> {
        let token = self.tokens.get(self.next)?.clone();
        self.next += 1;
        match token {
            Token::Word(text) | Token::Phrase(text) => self.in_every_field(&text),
            Token::Open if self.depth < MAX_DEPTH => {
                self.depth += 1;
                let group = self.all_of();
                self.depth -= 1;
                if self.peek() == Some(&Token::Close) {
                    self.next += 1;
                } else {
                    self.unclosed = true;
                }
                group
            }
            // Nested too deep: read as a space.
            _ => None,
        }
    }

    /// A word or phrase in any text field: its words in order, as each field's analyzer makes
    /// them (one word may make two, "bus-stop"). `None` when it makes no words at all.
    fn in_every_field(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let mut in_fields: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for field in self.fields.iter_mut() {
            let mut terms = Vec::new();
            let mut stream = field.analyzer.token_stream(text);
            stream.process(&mut |token| {
                terms.push((
                    token.position,
                    Term::from_field_text(field.field, &token.text),
                ));
            });
            let leaf = match terms.len() {
                0 => continue,
                1 => Leaf::term(terms.remove(0).1, IndexRecordOption::WithFreqs),
                _ => Leaf(LeafQuery::Phrase(PhraseQuery::new_with_offset(terms))),
            };
            let query: Box<dyn Query> = if field.boost == 1.0 {
                Box::new(leaf)
            } else {
                Box::new(BoostQuery::new(Box::new(leaf), field.boost))
            };
            in_fields.push((Occur::Should, query));
        }
        match in_fields.len() {
            0 => None,
            1 => in_fields.pop().map(|(_, query)| query),
            _ => Some(Box::new(BooleanQuery::new(in_fields))),
        }
    }
}

/// A term or phrase query, for use as a `dyn Query`.
///
/// tantivy's own `TermQuery` and `PhraseQuery` would do, but every `dyn Query` carries its
/// type's `Debug`, and theirs print terms through code that needs tantivy's regular-expression
/// engine (for facets). A `Leaf` calls them directly and prints only that it is one, so the
/// search runtime does not carry that engine.
#[derive(Clone)]
pub(crate) struct Leaf(LeafQuery);

#[derive(Clone)]
enum LeafQuery {
    Term(TermQuery),
    Phrase(PhraseQuery),
}

impl Leaf {
    pub(crate) fn term(term: Term, option: IndexRecordOption) -> Leaf {
        Leaf(LeafQuery::Term(TermQuery::new(term, option)))
    }
}

impl fmt::Debug for Leaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            LeafQuery::Term(_) => "Leaf(term)",
            LeafQuery::Phrase(_) => "Leaf(phrase)",
        })
    }
}

impl Query for Leaf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        match &self.0 {
            LeafQuery::Term(query) => query.weight(enable_scoring),
            LeafQuery::Phrase(query) => query.weight(enable_scoring),
        }
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        match &self.0 {
            LeafQuery::Term(query) => query.query_terms(visitor),
            LeafQuery::Phrase(query) => query.query_terms(visitor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Token> {
        tokens(text).0
    }

    #[test]
    fn reads_words_phrases_and_operators() {
        use Token::*;
        assert_eq!(
            words("(photos OR banter) -college \"bus stop\" +late NOT x"),
            [
                Open,
                Word("photos".into()),
                Or,
                Word("banter".into()),
                Close,
                Minus,
                Word("college".into()),
                Phrase("bus stop".into()),
                Plus,
                Word("late".into()),
                Not,
                Word("x".into()),
            ]
        );
        // A dash inside a word, or alone, is part of the words, not an exclusion.
        assert_eq!(
            words("bus-stop - x"),
            [Word("bus-stop".into()), Word("-".into()), Word("x".into())]
        );
        // Lower-case "or" is a word.
        assert_eq!(words("this or that")[1], Word("or".into()));
    }

    fn parsed(text: &str) -> (Option<Box<dyn Query>>, Vec<String>) {
        let mut fields = [TextField {
            field: Field::from_field_id(0),
            boost: 1.0,
            analyzer: crate::schema::names_analyzer(),
        }];
        parse(text, &mut fields)
    }

    #[test]
    fn brackets_out_of_place_are_read_as_spaces_and_said() {
        let (query, warnings) = parsed("bus) stop");
        assert!(query.is_some());
        assert_eq!(
            warnings,
            ["A closing bracket had no opening one, so it was read as a space."]
        );
        let (query, warnings) = parsed("(bus stop");
        assert!(query.is_some());
        assert_eq!(
            warnings,
            ["An opening bracket was not closed, so it was closed at the end."]
        );
        // Deep nesting neither fails nor runs out of stack.
        let deep = format!("{}bus{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parsed(&deep).0.is_some());
        // Nothing to look for: no query.
        assert!(parsed("( ) AND OR NOT -").0.is_none());
    }

    #[test]
    fn an_unclosed_quotation_mark_takes_the_rest_as_a_phrase() {
        let (tokens, warnings) = tokens("late \"bus stop");
        assert_eq!(
            tokens,
            [Token::Word("late".into()), Token::Phrase("bus stop".into())]
        );
        assert_eq!(warnings.len(), 1);
    }
}
