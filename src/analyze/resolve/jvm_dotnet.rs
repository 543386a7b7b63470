//! Java and C#: a file sees the types of its own package or namespace (and, in C#, of the
//! enclosing namespaces), of the packages it imports whole (`import a.b.*;`, `using A.B;`) and the
//! types it imports by name. It depends on the files defining the types it mentions among those
//! (in C#, only files of its own project and the projects it references). An import no file of
//! the repository declares is the external package it names.

use super::{Index, Target};
use crate::analyze::lang::Lang;
use std::collections::HashSet;

pub fn resolve(index: &Index, i: usize) -> Vec<Target> {
    let file = &index.files[i];
    let family = file.lang.family();
    let usable = |candidate: usize| {
        family != Lang::CSharp || index.dotnet_projects.can_see(&file.path, &index.files[candidate].path)
    };
    let mut out = Vec::new();
    let mut visible: HashSet<&str> = HashSet::new();
    if let Some(own) = file.facts.declares.as_deref() {
        visible.insert(own);
        if family == Lang::CSharp {
            let mut namespace = own;
            while let Some((outer, _)) = namespace.rsplit_once('.') {
                visible.insert(outer);
                namespace = outer;
            }
        }
    } else {
        visible.insert(""); // the default package sees the default package
    }
    for import in &file.facts.imports {
        let name = import.module.as_str();
        let whole = name.strip_suffix(".*").filter(|_| family == Lang::Java);
        if family == Lang::CSharp || whole.is_some() {
            let namespace = whole.unwrap_or(name);
            if index.declared.contains_key(&(family, namespace)) {
                visible.insert(namespace);
            } else if let Some(found) = by_name(index, family, namespace, usable) {
                out.push(Target::File(found)); // `using static A.B.Type` or a static wildcard
            } else {
                out.push(Target::External(external_name(family, namespace)));
            }
        } else if let Some(found) = by_name(index, family, name, usable) {
            out.push(Target::File(found));
        } else {
            out.push(Target::External(external_name(family, name)));
        }
    }
    for mention in &file.facts.mentions {
        for &candidate in index.defined.get(&(family, mention.as_str())).map(Vec::as_slice).unwrap_or_default() {
            let declared = index.files[candidate].facts.declares.as_deref().unwrap_or("");
            if visible.contains(declared) && usable(candidate) {
                out.push(Target::File(candidate));
            }
        }
    }
    out
}

/// The file defining the type a qualified name names: `a.b.C`, or, for a member or a nested
/// type (`a.b.C.member`), the closest enclosing one; among the files that are `usable`.
fn by_name(index: &Index, family: Lang, qualified: &str, usable: impl Fn(usize) -> bool) -> Option<usize> {
    let mut rest = qualified;
    while let Some((package, name)) = rest.rsplit_once('.') {
        let defining = index.defined.get(&(family, name)).map(Vec::as_slice).unwrap_or_default();
        let declared_there = |f: usize| index.files[f].facts.declares.as_deref() == Some(package);
        if let Some(&found) = defining.iter().find(|&&f| declared_there(f) && usable(f)) {
            return Some(found);
        }
        rest = package;
    }
    None
}

/// Java: the package part (up to the first capitalised segment); C#: the first two segments.
fn external_name(family: Lang, name: &str) -> String {
    let segments = name.split('.');
    let kept: Vec<&str> = if family == Lang::Java {
        segments.take_while(|s| !s.starts_with(char::is_uppercase) && *s != "*").collect()
    } else {
        segments.take(2).collect()
    };
    if kept.is_empty() { name.to_owned() } else { kept.join(".") }
}
