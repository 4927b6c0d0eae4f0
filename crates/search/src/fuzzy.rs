//! The one typo-tolerant matcher of the project: edit distance with transpositions, how many
//! typos a word may have, and the "did you mean" of every diagnostic. The search page's school
//! lookup (`catalog`) and the generator's hints both use it, so a volunteer and a reader are
//! forgiven the same typos.

/// Edit distance with adjacent transpositions (optimal string alignment), on characters.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

/// How many typos a search word of this length may have.
pub fn allowed_typos(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// How far (in edits) `word` is from `candidate`, ignoring case, when it is close enough to be
/// a likely slip for it: within a third of its length (at least one edit). A candidate that
/// contains the whole word (three letters or more) counts as one edit away: `secondary` for
/// `state-secondary`.
pub fn typo_distance(word: &str, candidate: &str) -> Option<usize> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let candidate_lower = candidate.to_lowercase();
    let candidate: Vec<char> = candidate_lower.chars().collect();
    let distance = edit_distance(&word, &candidate);
    let tolerance = (word.len() / 3).max(1);
    if distance <= tolerance {
        return Some(distance);
    }
    let needle: String = word.iter().collect();
    (word.len() >= 3 && candidate_lower.contains(&needle)).then_some(tolerance + 1)
}

/// The candidates that `word` may be a slip for, closest first (ties in the given order).
pub fn ranked<'a, T>(word: &str, candidates: impl IntoIterator<Item = (T, &'a str)>) -> Vec<T> {
    let mut scored: Vec<(usize, usize, T)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(order, (item, name))| {
            typo_distance(word, name).map(|distance| (distance, order, item))
        })
        .collect();
    scored.sort_by_key(|&(distance, order, _)| (distance, order));
    scored.into_iter().map(|(_, _, item)| item).collect()
}

/// "Did you mean …?": the closest of `candidates` to `word`, if it is a likely slip for one.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    ranked(word, candidates.into_iter().map(|name| (name, name)))
        .into_iter()
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> usize {
        edit_distance(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(d("northbrige", "northbridge"), 1);
        assert_eq!(d("acadmey", "academy"), 1);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("same", "same"), 0);
    }

    #[test]
    fn did_you_mean_forgives_slips_but_not_other_words() {
        assert_eq!(did_you_mean("tag", ["tags", "title", "id"]), Some("tags"));
        assert_eq!(did_you_mean("colour", ["tags", "title", "id"]), None);
        assert_eq!(
            did_you_mean("aproved", ["pending", "approved", "rejected"]),
            Some("approved")
        );
        assert_eq!(
            did_you_mean("secondary", ["primary", "state-secondary", "other"]),
            Some("state-secondary")
        );
        assert_eq!(did_you_mean("Onlin", ["online", "assault"]), Some("online"));
    }
}
