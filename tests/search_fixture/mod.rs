//! Fictional testimonies about invented schools, shared by the search tests.
//! No real school, no person, nothing graphic.

#![allow(dead_code)]

use testimony::search::{SearchDoc, SearchSchool};

pub fn northbridge() -> SearchSchool {
    SearchSchool {
        slug: "northbridge-academy".into(),
        name: "Northbridge Academy".into(),
        aliases: vec!["Northbridge".into(), "NBA".into()],
        former_names: vec!["Northbridge High School".into()],
        kind: "state-secondary".into(),
        kind_label: "State secondary school".into(),
        region: Some("North West".into()),
    }
}

pub fn hollowmere() -> SearchSchool {
    SearchSchool {
        slug: "hollowmere-grammar-school".into(),
        name: "Hollowmere Grammar School".into(),
        aliases: vec![],
        former_names: vec![],
        kind: "independent".into(),
        kind_label: "Independent school".into(),
        region: Some("South East".into()),
    }
}

pub fn fenwick() -> SearchSchool {
    SearchSchool {
        slug: "fenwick-sixth-form-college".into(),
        name: "Fenwick Sixth Form College".into(),
        aliases: vec!["Fenwick College".into()],
        former_names: vec![],
        kind: "college".into(),
        kind_label: "College".into(),
        region: None,
    }
}

fn doc(
    id: u64,
    title: &str,
    published: &str,
    schools: Vec<SearchSchool>,
    tags: &[&str],
    year: Option<u64>,
    body: &str,
) -> SearchDoc {
    SearchDoc {
        id,
        title: title.into(),
        url: format!("/archive/testimonies/{id}/"),
        published: published.into(),
        schools,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        year,
        body_text: body.into(),
        content_warnings: vec![],
    }
}

pub fn docs() -> Vec<SearchDoc> {
    let mut docs = vec![
        doc(
            1001,
            "At the bus stop",
            "2021-03-28",
            vec![northbridge()],
            &["harassment"],
            Some(2019),
            "Every afternoon a group of older students waited at the bus stop by the gates and \
             shouted comments at us. Teachers walked past and said nothing.",
        ),
        doc(
            1002,
            "The changing rooms",
            "2021-03-29",
            vec![hollowmere()],
            &["harassment", "image-based-abuse"],
            Some(2018),
            "Photos taken in the changing rooms were shared in a group chat. When we reported \
             it, we were told to stop making a fuss.",
        ),
        doc(
            1003,
            "Walking home",
            "2021-04-02",
            vec![northbridge(), fenwick()],
            &["harassment"],
            Some(2020),
            "I was followed while walking home from the stop near the library. The stop was \
             badly lit and nobody took the reports seriously.",
        ),
        doc(
            1004,
            "Testimony #1004",
            "2021-04-05",
            vec![fenwick()],
            &["assault"],
            Some(2017),
            "In the common room a student kept cornering people. The college said it was \
             banter. The bus home was the only place that felt safe.",
        ),
        doc(
            1005,
            "Comments in class",
            "2021-04-10",
            vec![hollowmere()],
            &[],
            None,
            "Comments about our bodies were made in class every week, and the teacher laughed \
             along with them.",
        ),
    ];
    docs[1].content_warnings = vec!["image-based abuse".into()];
    docs
}
