//! XMP packets: the one field generators' text survives in when an editor re-saves an image
//! with XMP in place of EXIF, `exif:UserComment` (as an attribute or an `rdf:Alt` list).
//! Not an XML parser: a bounded text search, with the five XML entities and numeric
//! character references undone.

/// The `exif:UserComment` text of an XMP packet, if any.
pub(crate) fn user_comment(xmp: &str) -> Option<String> {
    let at = xmp.find("UserComment")?;
    let rest = &xmp[at + "UserComment".len()..];
    let raw = if let Some(attr) = rest.strip_prefix("=\"") {
        &attr[..attr.find('"')?]
    } else {
        let body = &rest[rest.find('>')? + 1..];
        let body = &body[..body.find("UserComment")?];
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
        assert_eq!(user_comment("UserComment").as_deref(), None);
        assert_eq!(
            unescape("&bogus; &#xZZ; & &#1114112;"),
            "&bogus; &#xZZ; & &#1114112;"
        );
    }
}
