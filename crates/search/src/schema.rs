//! The index schema, and the tokenizers it names. Compiled for both targets: the native indexer
//! writes with it, the runtime reads with it, so the two can never disagree.
//!
//! The stemming language is part of the schema itself: the text fields use the tokenizer
//! `testimony_text_<code>` (e.g. `testimony_text_en`, or `testimony_text_none` when the site
//! language has no stemmer), and whoever opens the index registers the tokenizer that name asks
//! for. No second place has to remember which language an index was built with.

use foldhash::HashMap;
use tantivy::Index;
use tantivy::schema::{Field, Schema};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use super::SearchError;

/// Tokenizer of school names, aliases and former names: no stemming, so "Northbridge" is
/// matched as written (typos are handled by the catalog, not the index).
pub const NAMES_TOKENIZER: &str = "testimony_names";
const TEXT_TOKENIZER_PREFIX: &str = "testimony_text_";
const NO_STEMMING: &str = "none";

/// Tokens longer than this are dropped (base64 blobs, runs of punctuation-free junk).
const MAX_TOKEN_LEN: usize = 40;

/// Field names, in one place.
pub mod names {
    pub const ID: &str = "id";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const SCHOOL_NAMES: &str = "school_names";
    pub const SCHOOL: &str = "school";
    pub const KIND: &str = "kind";
    pub const REGION: &str = "region";
    pub const TAG: &str = "tag";
    pub const YEAR: &str = "year";
    pub const PUBLISHED_DAY: &str = "published_day";
}

/// Site language codes with a stemmer, and the stemmer each maps to.
const LANGUAGES: &[(&str, Language)] = &[
    ("ar", Language::Arabic),
    ("da", Language::Danish),
    ("de", Language::German),
    ("el", Language::Greek),
    ("en", Language::English),
    ("es", Language::Spanish),
    ("fi", Language::Finnish),
    ("fr", Language::French),
    ("hu", Language::Hungarian),
    ("it", Language::Italian),
    ("nb", Language::Norwegian),
    ("nl", Language::Dutch),
    ("nn", Language::Norwegian),
    ("no", Language::Norwegian),
    ("pt", Language::Portuguese),
    ("ro", Language::Romanian),
    ("ru", Language::Russian),
    ("sv", Language::Swedish),
    ("ta", Language::Tamil),
    ("tr", Language::Turkish),
];

/// The language codes that get stemming; any other site language is indexed without stemming
/// (words then match only as written, apart from case and accents).
pub fn supported_languages() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().map(|(code, _)| *code)
}

/// The stemmer's code for a site language ("en", "en-GB", "fr_FR" → "en", "en", "fr"), or `None`
/// when the language has no stemmer.
pub fn stemming_language(site_language: &str) -> Option<&'static str> {
    let primary = site_language
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|(code, _)| *code == primary)
        .map(|(code, _)| *code)
}

fn stemmer_for_code(code: &str) -> Option<Language> {
    LANGUAGES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, language)| *language)
}

/// The schema for an index whose text is stemmed for `stemming` (a code from
/// [`stemming_language`], or `None`). Only the indexer builds a schema; readers get it
/// from the index.
///
/// Nothing is stored: a result is its testimony's id (a column), and what a reader sees of it
/// (title, date, schools, content warnings, the text a snippet is cut from) comes from the
/// testimony's own page, so the index holds no second copy of any text.
pub fn build_schema(stemming: Option<&str>) -> Schema {
    use tantivy::schema::{
        FAST, FacetOptions, INDEXED, IndexRecordOption, TextFieldIndexing, TextOptions,
    };

    let text_tokenizer = format!("{TEXT_TOKENIZER_PREFIX}{}", stemming.unwrap_or(NO_STEMMING));
    let text_indexing = TextFieldIndexing::default()
        .set_tokenizer(&text_tokenizer)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    // Field lengths (fieldnorms) only where length matters to the score: a body. A reader's
    // first query reads a field's lengths whole, one byte per testimony.
    let body = TextOptions::default().set_indexing_options(text_indexing.clone());
    let title = TextOptions::default().set_indexing_options(text_indexing.set_fieldnorms(false));
    let names_indexing = TextFieldIndexing::default()
        .set_tokenizer(NAMES_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions)
        .set_fieldnorms(false);

    let mut builder = Schema::builder();
    // Indexed, so that `testimony serve` can replace a testimony by its id.
    builder.add_u64_field(names::ID, INDEXED | FAST);
    builder.add_text_field(names::TITLE, title);
    builder.add_text_field(names::BODY, body);
    builder.add_text_field(
        names::SCHOOL_NAMES,
        TextOptions::default().set_indexing_options(names_indexing),
    );
    // Facets are indexed (for filters) and columnar (for counts).
    builder.add_facet_field(names::SCHOOL, FacetOptions::default());
    builder.add_facet_field(names::KIND, FacetOptions::default());
    builder.add_facet_field(names::REGION, FacetOptions::default());
    builder.add_facet_field(names::TAG, FacetOptions::default());
    builder.add_facet_field(names::YEAR, FacetOptions::default());
    // yyyymmdd, to list results newest first when there is no query text.
    builder.add_u64_field(names::PUBLISHED_DAY, FAST);
    builder.build()
}

/// The fields of an index built by [`build_schema`].
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub school_names: Field,
    pub school: Field,
    pub kind: Field,
    pub region: Field,
    pub tag: Field,
    pub year: Field,
    /// Written by the indexer; readers sort by it through its name.
    pub published_day: Field,
}

impl Fields {
    pub fn from_schema(schema: &Schema) -> Result<Fields, SearchError> {
        let field = |name: &str| {
            schema.get_field(name).map_err(|_| {
                SearchError::new(format!(
                    "the search index has no `{name}` field: it was built by another version \
                     of testimony; rebuild the site"
                ))
            })
        };
        Ok(Fields {
            id: field(names::ID)?,
            title: field(names::TITLE)?,
            body: field(names::BODY)?,
            school_names: field(names::SCHOOL_NAMES)?,
            school: field(names::SCHOOL)?,
            kind: field(names::KIND)?,
            region: field(names::REGION)?,
            tag: field(names::TAG)?,
            year: field(names::YEAR)?,
            published_day: field(names::PUBLISHED_DAY)?,
        })
    }
}

/// The analyzer for school names: words, lower-cased, accents folded.
pub fn names_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzer for testimony text: as [`names_analyzer`], plus stemming. The stemmer runs
/// before accents are folded, because the Snowball stemmers expect accented words.
fn text_analyzer(stemmer: Option<Language>) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(EachWordOnce(stemmer))
        .build()
}

/// Words an analyzer remembers; past this it forgets them all and starts again (a site's words
/// are tens of thousands, but junk text could make millions).
const WORDS_KEPT: usize = 200_000;

/// tantivy's lower-caser, stemmer and accent folding, run once per distinct word rather than
/// once per word: indexing 100,000 testimonies reads about 25 million words, of a few tens of
/// thousands distinct ones, and the Snowball stemmer alone was 8% of the build. Each word is
/// turned by those filters themselves the first time it is seen (the word as one token, through
/// the same three filters in the same order), so index and queries still agree.
#[derive(Clone)]
struct EachWordOnce(Option<Language>);

impl TokenFilter for EachWordOnce {
    type Tokenizer<T: Tokenizer> = EachWordOnceFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> EachWordOnceFilter<T> {
        let one_word = TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .dynamic();
        let one_word = match self.0 {
            Some(language) => one_word.filter_dynamic(Stemmer::new(language)),
            None => one_word,
        };
        EachWordOnceFilter {
            inner: tokenizer,
            one_word: one_word.filter_dynamic(AsciiFoldingFilter).build(),
            words: HashMap::default(),
        }
    }
}

#[derive(Clone)]
struct EachWordOnceFilter<T> {
    inner: T,
    /// Turns one word: the whole text as one token, through the three filters.
    one_word: TextAnalyzer,
    /// Each word seen, as written, with what it became.
    words: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for EachWordOnceFilter<T> {
    type TokenStream<'a> = EachWordOnceStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let EachWordOnceFilter {
            inner,
            one_word,
            words,
        } = self;
        EachWordOnceStream {
            tail: inner.token_stream(text),
            one_word,
            words,
        }
    }
}

struct EachWordOnceStream<'a, T> {
    tail: T,
    one_word: &'a mut TextAnalyzer,
    words: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for EachWordOnceStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(turned) = self.words.get(&token.text) {
            token.text.clone_from(turned);
            return true;
        }
        let mut turned = None;
        self.one_word
            .token_stream(&token.text)
            .process(&mut |word| turned = Some(word.text.clone()));
        let turned = turned.unwrap_or_else(|| token.text.clone());
        if self.words.len() >= WORDS_KEPT {
            self.words.clear();
        }
        self.words
            .insert(std::mem::replace(&mut token.text, turned.clone()), turned);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Registers the tokenizers the index's schema names. Call after creating or opening an index.
pub fn register_tokenizers(index: &Index) -> Result<(), SearchError> {
    let schema = index.schema();
    let body = schema
        .get_field(names::BODY)
        .map_err(|_| SearchError::new("the search index has no `body` field; rebuild the site"))?;
    let tokenizer = match schema.get_field_entry(body).field_type() {
        tantivy::schema::FieldType::Str(options) => options
            .get_indexing_options()
            .map(|indexing| indexing.tokenizer().to_owned()),
        _ => None,
    }
    .ok_or_else(|| SearchError::new("the search index's `body` field is not a text field"))?;
    let code = tokenizer
        .strip_prefix(TEXT_TOKENIZER_PREFIX)
        .ok_or_else(|| {
            SearchError::new(format!(
                "the search index uses an unknown tokenizer `{tokenizer}`; rebuild the site"
            ))
        })?;
    let stemmer = if code == NO_STEMMING {
        None
    } else {
        Some(stemmer_for_code(code).ok_or_else(|| {
            SearchError::new(format!(
                "the search index asks for stemming in an unknown language `{code}`; \
                 rebuild the site"
            ))
        })?)
    };
    let manager = index.tokenizers();
    manager.register(&tokenizer, text_analyzer(stemmer));
    manager.register(NAMES_TOKENIZER, names_analyzer());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stemming code an index was built with (`None`: no stemming).
    fn index_stemming(schema: &Schema) -> Option<String> {
        let body = schema.get_field(names::BODY).ok()?;
        match schema.get_field_entry(body).field_type() {
            tantivy::schema::FieldType::Str(options) => options
                .get_indexing_options()?
                .tokenizer()
                .strip_prefix(TEXT_TOKENIZER_PREFIX)
                .filter(|code| *code != NO_STEMMING)
                .map(str::to_owned),
            _ => None,
        }
    }

    /// Each token's text, position and offsets, as `analyzer` gives them for `text`.
    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push((t.text.clone(), t.position, t.offset_from, t.offset_to)));
        out
    }

    #[test]
    fn stemming_each_word_once_gives_what_the_stemmer_gives() {
        let text = "Walking, walked and WALKS: the teachers' reports; reporting again. Walking \
                    home, I walked. Café naïve élèves";
        for language in [Language::English, Language::French] {
            let mut remembered = text_analyzer(Some(language));
            let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
                .filter(LowerCaser)
                .filter(Stemmer::new(language))
                .filter(AsciiFoldingFilter)
                .build();
            // Twice: the second time every word is remembered.
            for _ in 0..2 {
                assert_eq!(tokens(&mut remembered, text), tokens(&mut plain, text));
            }
        }
        let mut english = text_analyzer(Some(Language::English));
        let words: Vec<String> = tokens(&mut english, "walking walked walks")
            .into_iter()
            .map(|(word, ..)| word)
            .collect();
        assert_eq!(words, ["walk", "walk", "walk"]);
    }

    #[test]
    fn site_languages_map_to_stemmers() {
        assert_eq!(stemming_language("en"), Some("en"));
        assert_eq!(stemming_language("en-GB"), Some("en"));
        assert_eq!(stemming_language("FR_fr"), Some("fr"));
        assert_eq!(stemming_language("de"), Some("de"));
        assert_eq!(stemming_language("nb"), Some("nb"));
        assert_eq!(stemming_language("cy"), None);
        assert_eq!(stemming_language(""), None);
    }

    #[test]
    fn stemming_is_recorded_in_the_schema() {
        assert_eq!(
            index_stemming(&build_schema(Some("fr"))).as_deref(),
            Some("fr")
        );
        assert_eq!(index_stemming(&build_schema(None)), None);
    }
}
