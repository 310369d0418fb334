//! XMP packets: the fields generators' text survives in. `exif:UserComment` (as an attribute
//! or an `rdf:Alt` list), where it is kept when an editor re-saves an image with XMP in place
//! of EXIF; and ComfyUI's own `comfy:prompt` and `comfy:workflow` (namespace
//! `https://github.com/Comfy-Org/ComfyUI`), which its AVIF saver writes. Not an XML parser: a
//! bounded text search, with the five XML entities and numeric character references undone.

/// The `exif:UserComment` text of an XMP packet, if any.
pub(crate) fn user_comment(xmp: &str) -> Option<String> {
    property(xmp, "UserComment")
}

/// The ComfyUI graphs of an XMP packet: `(key, JSON text)` for `prompt` and `workflow`.
pub(crate) fn comfy_graphs(xmp: &str) -> impl Iterator<Item = (&'static str, String)> + '_ {
    [("prompt", "comfy:prompt"), ("workflow", "comfy:workflow")]
        .into_iter()
        .filter_map(|(key, name)| Some((key, property(xmp, name)?)))
}

/// The text of the property `name`, written as an attribute (`name="…"`) or an element
/// (`<name>…</name>`, or its `rdf:li` inside an `rdf:Alt`).
fn property(xmp: &str, name: &str) -> Option<String> {
    let at = find_name(xmp, name)?;
    let rest = &xmp[at + name.len()..];
    let raw = if let Some(attr) = rest.strip_prefix("=\"") {
        &attr[..attr.find('"')?]
    } else {
        let body = &rest[rest.find('>')? + 1..];
        let body = &body[..body.find(name)?];
        match body.find("<rdf:li") {
            Some(li) => {
                let li = &body[li..];
                let text = &li[li.find('>')? + 1..];
                &text[..text.find("</")?]
            }
            None => &body[..body.rfind("</")?],
        }
    };
    let text = unescape(raw);
    (!text.trim().is_empty()).then_some(text)
}

/// Where `name` first stands as a whole name: not followed by more of a name (`comfy:prompt`
/// is not `comfy:prompts`).
fn find_name(xmp: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = xmp[from..].find(name) {
        let at = from + found;
        let next = xmp[at + name.len()..].bytes().next();
        if !next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Some(at);
        }
        from = at + name.len();
    }
    None
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        // An entity is short: look for its `;` in the next few bytes only, so a run of bare
        // `&` costs one step each, never a scan of the rest of the packet.
        let Some(end) = tail.bytes().take(11).position(|b| b == b';') else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_and_alt_list_forms() {
        let attr = r#"<rdf:Description exif:UserComment="a &amp; b&#10;Steps: 3"/>"#;
        assert_eq!(user_comment(attr).as_deref(), Some("a & b\nSteps: 3"));
        let alt = "<exif:UserComment><rdf:Alt><rdf:li xml:lang=\"x-default\">cat &lt;lora:x:1&gt;&#xA;Steps: 5</rdf:li></rdf:Alt></exif:UserComment>";
        assert_eq!(
            user_comment(alt).as_deref(),
            Some("cat <lora:x:1>\nSteps: 5")
        );
        assert_eq!(user_comment("<x:xmpmeta/>"), None);
        assert_eq!(
            user_comment("<exif:UserComments>x</exif:UserComments>"),
            None
        );
        assert_eq!(user_comment("UserComment").as_deref(), None);
        assert_eq!(
            unescape("&bogus; &#xZZ; & &#1114112;"),
            "&bogus; &#xZZ; & &#1114112;"
        );
    }

    // ComfyUI's AVIF saver: the graphs as elements of its own namespace, entities escaped.
    #[test]
    fn comfy_graphs_in_their_own_namespace() {
        let xmp = r#"<rdf:Description xmlns:comfy="https://github.com/Comfy-Org/ComfyUI">
            <comfy:prompt>{&quot;1&quot;:{&quot;class_type&quot;:&quot;KSampler&quot;}}</comfy:prompt>
            <comfy:workflow>{&quot;nodes&quot;:[]}</comfy:workflow></rdf:Description>"#;
        let graphs: Vec<_> = comfy_graphs(xmp).collect();
        assert_eq!(
            graphs,
            [
                ("prompt", r#"{"1":{"class_type":"KSampler"}}"#.to_string()),
                ("workflow", r#"{"nodes":[]}"#.to_string())
            ]
        );
        let attr = r#"<rdf:Description comfy:prompt="{&quot;a&quot;:1}"/>"#;
        assert_eq!(
            comfy_graphs(attr).collect::<Vec<_>>(),
            [("prompt", r#"{"a":1}"#.to_string())]
        );
        assert_eq!(comfy_graphs("<x:xmpmeta/>").count(), 0);
    }
}
