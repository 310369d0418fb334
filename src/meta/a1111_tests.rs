//! Unit and property tests for the A1111 `parameters` parser.

use super::*;
use crate::meta::resources::parse_hash_list;
use proptest::prelude::*;

fn pairs(p: &Parameters) -> Vec<(&str, &str)> {
    p.settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

const FULL: &str = "a cat, masterpiece\nNegative prompt: blurry, lowres\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 123, Size: 512x768, Model hash: abc123, Model: sd15";

#[test]
fn parses_the_documented_example() {
    let p = parse(FULL);
    assert_eq!(p.prompt, "a cat, masterpiece");
    assert_eq!(p.negative_prompt.as_deref(), Some("blurry, lowres"));
    assert_eq!(
        pairs(&p),
        [
            ("Steps", "30"),
            ("Sampler", "DPM++ 2M Karras"),
            ("CFG scale", "7"),
            ("Seed", "123"),
            ("Size", "512x768"),
            ("Model hash", "abc123"),
            ("Model", "sd15"),
        ]
    );
}

#[test]
fn multi_line_prompt_and_negative() {
    let text = "line one\nline two\n\nline four\nNegative prompt: bad\nworse\nSteps: 5, Seed: 1";
    let p = parse(text);
    assert_eq!(p.prompt, "line one\nline two\n\nline four");
    assert_eq!(p.negative_prompt.as_deref(), Some("bad\nworse"));
    assert_eq!(pairs(&p), [("Steps", "5"), ("Seed", "1")]);
}

#[test]
fn missing_negative_prompt() {
    let p = parse("just a prompt\nSteps: 20, Sampler: Euler a, Seed: 9");
    assert_eq!(p.prompt, "just a prompt");
    assert_eq!(p.negative_prompt, None);
    assert_eq!(p.settings.len(), 3);
}

#[test]
fn empty_negative_prompt() {
    let p = parse("x\nNegative prompt: \nSteps: 1");
    assert_eq!(p.negative_prompt.as_deref(), Some(""));
}

#[test]
fn missing_settings_line() {
    let p = parse("a prompt: with a colon, and commas\nNegative prompt: nope");
    assert_eq!(p.prompt, "a prompt: with a colon, and commas");
    assert_eq!(p.negative_prompt.as_deref(), Some("nope"));
    assert!(p.settings.is_empty());
}

#[test]
fn prompt_only() {
    let p = parse("hello world");
    assert_eq!(p.prompt, "hello world");
    assert!(p.settings.is_empty());
}

#[test]
fn settings_only_without_steps_needs_three_pairs() {
    // A1111's own reader treats a last line with >= 3 pairs as settings.
    let p = parse("Sampler: Euler, Seed: 3, Size: 64x64");
    assert_eq!(p.prompt, "");
    assert_eq!(p.settings.len(), 3);
    let q = parse("style: anime, cute");
    assert_eq!(q.prompt, "style: anime, cute");
    assert!(q.settings.is_empty());
}

#[test]
fn quoted_values_keep_commas_and_colons() {
    let p = parse(
        "p\nSteps: 2, Lora hashes: \"a: 1, b: 2\", Model: x, TI hashes: \"emb: ff\", Version: v1",
    );
    assert_eq!(
        pairs(&p),
        [
            ("Steps", "2"),
            ("Lora hashes", "a: 1, b: 2"),
            ("Model", "x"),
            ("TI hashes", "emb: ff"),
            ("Version", "v1"),
        ]
    );
    assert_eq!(
        parse_hash_list("a: 1, b: 2"),
        [("a".into(), "1".into()), ("b".into(), "2".into())]
    );
}

#[test]
fn escaped_quotes_and_newlines_inside_quotes() {
    let p = parse(
        r#"p
Steps: 2, Note: "say \"hi\", then\nleave \\ ok", Seed: 4"#,
    );
    assert_eq!(
        pairs(&p),
        [
            ("Steps", "2"),
            ("Note", "say \"hi\", then\nleave \\ ok"),
            ("Seed", "4")
        ]
    );
}

#[test]
fn unterminated_quote_takes_rest_of_line() {
    let p = parse("p\nSteps: 2, Bad: \"open, Seed: 4");
    assert_eq!(pairs(&p), [("Steps", "2"), ("Bad", "\"open, Seed: 4")]);
}

#[test]
fn unknown_keys_kept_in_order_and_loose_fragments_kept() {
    let p = parse("p\nSteps: 2, Zeta: 1, Alpha: two, three, Emphasis: Original");
    assert_eq!(
        pairs(&p),
        [
            ("Steps", "2"),
            ("Zeta", "1"),
            ("Alpha", "two, three"),
            ("Emphasis", "Original"),
        ]
    );
}

#[test]
fn unicode_crlf_and_trailing_whitespace() {
    let text = "猫の絵 🐱  \r\nNegative prompt: ぼやけ \r\nSteps: 20, Sampler: Euler, Model: モデル  \r\n\r\n";
    let p = parse(text);
    assert_eq!(p.prompt, "猫の絵 🐱");
    assert_eq!(p.negative_prompt.as_deref(), Some("ぼやけ"));
    assert_eq!(
        pairs(&p),
        [("Steps", "20"), ("Sampler", "Euler"), ("Model", "モデル")]
    );
}

#[test]
fn template_lines_after_settings() {
    let text =
        "a red cat\nSteps: 20, Seed: 1\nTemplate: a {red|blue}\ncat\nNegative Template: ugly";
    let p = parse(text);
    assert_eq!(p.prompt, "a red cat");
    assert_eq!(
        pairs(&p),
        [
            ("Steps", "20"),
            ("Seed", "1"),
            ("Template", "a {red|blue}\ncat"),
            ("Negative Template", "ugly"),
        ]
    );
}

#[test]
fn unlabelled_text_after_settings_is_kept() {
    let p = parse("a\nSteps: 1\nsomething else");
    assert_eq!(
        pairs(&p),
        [("Steps", "1"), ("Trailing text", "something else")]
    );
}

#[test]
fn empty_and_blank_inputs() {
    assert_eq!(parse(""), Parameters::default());
    assert_eq!(parse(" \n\r\n "), Parameters::default());
}

/// Pieces of the grammar, so random strings land near the interesting paths.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Negative prompt:".to_string()),
        Just("Steps:".to_string()),
        Just("Template:".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just(", ".to_string()),
        Just(":".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\\\"".to_string()),
        Just("\\u00".to_string()),
        Just("Lora hashes: \"a: 1, b".to_string()),
        Just("é🐱".to_string()),
        "[A-Za-z ]{0,8}",
        "\\PC{0,4}",
    ]
}

#[test]
fn a1111_text_maps_settings() {
    let text = "cat <lora:fluffy:0.6>\nNegative prompt: dog\nSteps: 25, Sampler: Euler a, Schedule type: Karras, CFG scale: 6.5, Seed: 7, Size: 640x480, Model hash: ff, Model: anything, Clip skip: 2, Denoising strength: 0.3, Hires upscale: 1.5, Hires upscaler: ESRGAN, Lora hashes: \"fluffy: aa11\", Version: f2";
    let rec = record(text, "x.png");
    assert_eq!(rec.source, "x.png");
    assert_eq!(rec.prompt.as_deref(), Some("cat <lora:fluffy:0.6>"));
    assert_eq!(rec.negative_prompt.as_deref(), Some("dog"));
    assert_eq!(rec.steps, Some(25));
    assert_eq!(rec.sampler.as_deref(), Some("Euler a"));
    assert_eq!(rec.scheduler.as_deref(), Some("Karras"));
    assert_eq!(rec.cfg_scale, Some(6.5));
    assert_eq!(rec.seed, Some(7));
    assert_eq!((rec.width, rec.height), (Some(640), Some(480)));
    assert_eq!(rec.model.as_deref(), Some("anything"));
    assert_eq!(rec.model_hash.as_deref(), Some("ff"));
    assert_eq!(rec.clip_skip, Some(2));
    assert_eq!(rec.denoising_strength, Some(0.3));
    assert_eq!(rec.hires.as_ref().unwrap().upscale, Some(1.5));
    assert_eq!(rec.resources.len(), 1);
    assert_eq!(rec.resources[0].hash.as_deref(), Some("aa11"));
    assert_eq!(rec.resources[0].weight, Some(0.6));
    let extra: Vec<&str> = rec.extra.keys().map(String::as_str).collect();
    assert_eq!(extra, ["Lora hashes", "Version"]);
}

#[test]
fn a1111_duplicate_keys_are_kept() {
    let rec = record("p\nSteps: 1, Foo: a, Foo: b", "f");
    assert_eq!(rec.extra.get("Foo"), Some(&serde_json::json!("a")));
    assert_eq!(rec.extra.get("Foo (2)"), Some(&serde_json::json!("b")));
}

#[test]
fn one_setting_per_line() {
    let p = parse("a cat\nNegative prompt: dog\nSteps: 48\nSampler: DDIM\nCFG scale: 12.0\nwidth: 512\nTemplate: x");
    assert_eq!(p.prompt, "a cat");
    assert_eq!(
        pairs(&p),
        [
            ("Steps", "48"),
            ("Sampler", "DDIM"),
            ("CFG scale", "12.0"),
            ("width", "512"),
            ("Template", "x")
        ]
    );
}

#[test]
fn spaces_at_line_ends_are_kept() {
    let p = parse("a, \r\nb, \n\nNegative prompt: c, \nd \nSteps: 1");
    assert_eq!(p.prompt, "a, \r\nb,");
    assert_eq!(p.negative_prompt.as_deref(), Some("c, \nd"));
}

#[test]
fn civitai_resources_become_resources() {
    let text = "p\nSteps: 25, Civitai resources: [{\"type\":\"checkpoint\",\"modelVersionId\":2514310,\"modelName\":\"WAI\",\"modelVersionName\":\"v16.0\"}], Civitai metadata: {}";
    let rec = record(text, "c.jpeg");
    assert_eq!(rec.resources.len(), 1, "{:?}", rec.resources);
    assert_eq!(rec.resources[0].model_version_id, Some(2514310));
    assert_eq!(rec.resources[0].kind.as_deref(), Some("checkpoint"));
    assert!(rec.extra.contains_key("Civitai resources"));
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_strings(s in "\\PC*") {
        let _ = parse(&s);
    }

    #[test]
    fn never_panics_on_any_chars(s in any::<String>()) {
        let _ = parse(&s);
        let _ = parse_hash_list(&s);
    }

    #[test]
    fn never_panics_on_grammar_pieces(parts in proptest::collection::vec(piece(), 0..40)) {
        let p = parse(&parts.concat());
        // Keys are always trimmed, prompts never carry surrounding whitespace.
        prop_assert_eq!(p.prompt.trim(), p.prompt.as_str());
        for (k, _) in &p.settings {
            prop_assert_eq!(k.trim(), k.as_str());
        }
    }

    #[test]
    fn round_trips_simple_settings(
        prompt in "[a-z][a-z ,]{0,20}[a-z]",
        values in proptest::collection::vec("[A-Za-z0-9+ ]{0,10}[A-Za-z0-9+]", 1..6),
    ) {
        let line = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("Key{i}: {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let p = parse(&format!("{prompt}\nSteps: 1, {line}"));
        prop_assert_eq!(&p.prompt, &prompt);
        prop_assert_eq!(p.settings.len(), values.len() + 1);
        for (i, v) in values.iter().enumerate() {
            prop_assert_eq!(&p.settings[i + 1].1, &v.trim().to_string());
        }
    }
}
