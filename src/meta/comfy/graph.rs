//! Access to a ComfyUI API-format `prompt` graph: node ids map to
//! `{"class_type": …, "inputs": {…}}`, and an input is a literal or a link `[node_id, slot]`.
//! Every lookup tolerates missing nodes, wrong types and cycles (depth-limited): a
//! malformed graph yields fewer values, never a panic.

use std::cell::Cell;

use serde_json::Value;

use crate::meta::value::Obj;

/// How far links are followed; real graphs need a handful of hops, subgraphs a few more.
pub(crate) const MAX_DEPTH: usize = 24;

/// Inputs of a node that name what a node computes; everything else is a parameter.
const VALUE_KEYS: &[&str] = &[
    "value",
    "seed",
    "noise_seed",
    "int",
    "float",
    "number",
    "string",
    "text",
    "Text",
    "prompt",
    "source",
    "STRING",
    "INT",
    "FLOAT",
];

/// Most value and text lookups made in one graph: link-following branches, and a hostile
/// graph whose every node links to several others would otherwise take exponential time.
pub(crate) const MAX_WORK: usize = 100_000;

/// A graph borrowed from its JSON, with the lookups it may still make.
#[derive(Clone, Copy)]
pub(crate) struct Graph<'a> {
    nodes: &'a Obj,
    work: &'a Cell<usize>,
}

impl<'a> Graph<'a> {
    /// Wraps a `prompt` object; `work` counts down the lookups left (start at [`MAX_WORK`]).
    pub(crate) fn new(nodes: &'a Obj, work: &'a Cell<usize>) -> Self {
        Graph { nodes, work }
    }

    /// Takes one lookup from the allowance; false once it is spent.
    fn spend(self) -> bool {
        self.spend_bytes(0)
    }

    /// Takes one lookup plus one per 4 KiB of text copied; false once it is spent.
    fn spend_bytes(self, bytes: usize) -> bool {
        let cost = 1 + bytes / 4096;
        let left = self.work.get();
        self.work.set(left.saturating_sub(cost));
        left >= cost
    }

    /// Every node, in file order.
    pub(crate) fn nodes(self) -> impl Iterator<Item = &'a Obj> {
        self.nodes.values().filter_map(Value::as_object)
    }

    /// The node a link value `[id, slot]` points at.
    pub(crate) fn follow(self, link: &Value) -> Option<&'a Obj> {
        let arr = link.as_array()?;
        if arr.len() != 2 || !arr[1].is_number() {
            return None;
        }
        let id = match &arr[0] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        self.nodes.get(&id)?.as_object()
    }

    /// The node linked from input `name` of `node`.
    pub(crate) fn linked(self, node: &Obj, name: &str) -> Option<&'a Obj> {
        self.follow(inputs(node)?.get(name)?)
    }

    /// The first of `names` on `node` that is a literal, or links to a node holding one
    /// (primitive, seed and constant nodes).
    pub(crate) fn literal(self, node: &'a Obj, names: &[&str]) -> Option<&'a Value> {
        let inp = inputs(node)?;
        names.iter().find_map(|n| self.resolve(inp.get(*n)?, 0))
    }

    /// A literal input, or the first literal found on the node a link points to.
    pub(crate) fn resolve(self, value: &'a Value, depth: usize) -> Option<&'a Value> {
        if !value.is_array() {
            return (!value.is_null()).then_some(value);
        }
        if depth >= MAX_DEPTH || !self.spend() {
            return None;
        }
        let inp = inputs(self.follow(value)?)?;
        VALUE_KEYS
            .iter()
            .find_map(|n| self.resolve(inp.get(*n)?, depth + 1))
    }

    /// The text a value stands for: a literal string, or the string computed by the nodes
    /// it links to (primitives, text boxes, concatenation and switch nodes).
    pub(crate) fn text(self, value: &'a Value, depth: usize) -> Option<String> {
        if let Value::String(s) = value {
            return self.spend_bytes(s.len()).then(|| s.clone());
        }
        if depth >= MAX_DEPTH || !self.spend() {
            return None;
        }
        let node = self.follow(value)?;
        let inp = inputs(node)?;
        let c = class(node);
        if c.contains("Concat") || c.contains("Join") {
            return self.concat(inp, depth);
        }
        if c.contains("Switch") {
            return self.switch(inp, depth);
        }
        if c.contains("Wildcard") {
            return wildcard_text(inp).map(str::to_string);
        }
        // A language model's answer is not stored in the graph, only its instructions.
        if c.contains("TextGenerate") || c.contains("LLM") {
            return None;
        }
        VALUE_KEYS
            .iter()
            .find_map(|n| self.text(inp.get(*n)?, depth + 1))
            .or_else(|| inp.values().find_map(|v| self.text_link(v, depth)))
    }

    fn text_link(self, value: &'a Value, depth: usize) -> Option<String> {
        value
            .is_array()
            .then(|| self.text(value, depth + 1))
            .flatten()
    }

    /// A concatenation node: its text inputs in order, joined by its delimiter.
    fn concat(self, inp: &'a Obj, depth: usize) -> Option<String> {
        let delimiter = ["delimiter", "separator"]
            .iter()
            .find_map(|k| inp.get(*k)?.as_str())
            .unwrap_or("");
        let parts: Vec<String> = inp
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "delimiter" | "separator"))
            .filter_map(|(_, v)| self.text(v, depth + 1))
            .filter(|t| !t.is_empty())
            .collect();
        let len: usize = parts.iter().map(String::len).sum();
        (!parts.is_empty() && self.spend_bytes(len)).then(|| parts.join(delimiter))
    }

    /// A switch node: the branch its boolean selects, else the other one when the selected
    /// branch's text cannot be known.
    fn switch(self, inp: &'a Obj, depth: usize) -> Option<String> {
        let on = ["switch", "boolean", "select"]
            .iter()
            .find_map(|k| self.resolve(inp.get(*k)?, depth + 1))
            .and_then(Value::as_bool);
        let (first, second) = match on {
            Some(true) => ("on_true", "on_false"),
            Some(false) => ("on_false", "on_true"),
            None => return inp.values().find_map(|v| self.text_link(v, depth)),
        };
        [first, second]
            .iter()
            .find_map(|b| self.text(inp.get(*b)?, depth + 1))
    }
}

/// The prompt a wildcard node (Impact Pack's `ImpactWildcardProcessor` and
/// `ImpactWildcardEncode`) used: the `populated_text` it made of the wildcards, else the
/// `wildcard_text` itself when nothing was populated.
pub(crate) fn wildcard_text(inp: &Obj) -> Option<&str> {
    ["populated_text", "wildcard_text"]
        .iter()
        .filter_map(|k| inp.get(*k)?.as_str())
        .find(|t| !t.trim().is_empty())
}

/// A node's `class_type`, empty when missing.
pub(crate) fn class(node: &Obj) -> &str {
    node.get("class_type").and_then(Value::as_str).unwrap_or("")
}

/// A node's inputs.
pub(crate) fn inputs(node: &Obj) -> Option<&Obj> {
    node.get("inputs")?.as_object()
}

/// True when every value of `obj` looks like a node (`class_type` + `inputs`).
pub(crate) fn looks_like_graph(obj: &Obj) -> bool {
    !obj.is_empty()
        && obj
            .values()
            .all(|n| n.get("class_type").is_some_and(Value::is_string))
}
