//! Fact values: scalars or lists of scalars, as written in `facts`, rules and form answers.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A fact name mapped to what it asserts, sorted so written files are deterministic.
pub type Facts = BTreeMap<String, FactValue>;

/// One YAML scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Scalar::Str(s.to_owned())
    }
}

impl From<bool> for Scalar {
    fn from(b: bool) -> Self {
        Scalar::Bool(b)
    }
}

/// A fact's value: one scalar, or a list of them (a list-valued fact holds each of its elements).
#[derive(Clone, Debug, PartialEq)]
pub enum FactValue {
    One(Scalar),
    List(Vec<Scalar>),
}

impl FactValue {
    /// The scalars this value consists of.
    pub fn scalars(&self) -> &[Scalar] {
        match self {
            FactValue::One(s) => std::slice::from_ref(s),
            FactValue::List(list) => list,
        }
    }

    /// Whether `self` (an asserted fact) holds under `allowed` (a rule's condition):
    /// some element of the fact is one of the allowed values.
    pub fn holds_under(&self, allowed: &FactValue) -> bool {
        let allowed = allowed.scalars();
        self.scalars().iter().any(|value| allowed.contains(value))
    }

    /// Two assertions of one fact agree when they hold the same set of scalars.
    pub fn agrees_with(&self, other: &FactValue) -> bool {
        let (a, b) = (self.scalars(), other.scalars());
        a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
    }
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::One(s) => write!(f, "{s}"),
            FactValue::List(list) => {
                f.write_str("[")?;
                for (i, s) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{s}")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl From<Scalar> for FactValue {
    fn from(s: Scalar) -> Self {
        FactValue::One(s)
    }
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Scalar::Bool(b) => s.serialize_bool(*b),
            Scalar::Int(i) => s.serialize_i64(*i),
            Scalar::Float(x) => s.serialize_f64(*x),
            Scalar::Str(v) => s.serialize_str(v),
        }
    }
}

impl Serialize for FactValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FactValue::One(v) => v.serialize(s),
            FactValue::List(list) => list.serialize(s),
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        i64::try_from(v).map(Scalar::Int).or(Ok(Scalar::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct FactValueVisitor;

impl<'de> Visitor<'de> for FactValueVisitor {
    type Value = FactValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar or a list of scalars")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<FactValue, E> {
        ScalarVisitor.visit_bool(v).map(FactValue::One)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FactValue, E> {
        ScalarVisitor.visit_i64(v).map(FactValue::One)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FactValue, E> {
        ScalarVisitor.visit_u64(v).map(FactValue::One)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<FactValue, E> {
        ScalarVisitor.visit_f64(v).map(FactValue::One)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FactValue, E> {
        ScalarVisitor.visit_str(v).map(FactValue::One)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<FactValue, E> {
        ScalarVisitor.visit_string(v).map(FactValue::One)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FactValue, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Scalar>()? {
            list.push(item);
        }
        Ok(FactValue::List(list))
    }
}

impl<'de> Deserialize<'de> for FactValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FactValueVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> FactValue {
        FactValue::List(items.iter().map(|s| Scalar::from(*s)).collect())
    }

    #[test]
    fn list_valued_fact_holds_when_any_element_is_allowed() {
        assert!(list(&["email", "sso"]).holds_under(&FactValue::One("sso".into())));
        assert!(!list(&["email"]).holds_under(&list(&["sso", "saml"])));
    }

    #[test]
    fn lists_agree_regardless_of_order() {
        assert!(list(&["a", "b"]).agrees_with(&list(&["b", "a"])));
        assert!(!list(&["a"]).agrees_with(&list(&["a", "b"])));
    }

    #[test]
    fn yaml_scalars_keep_their_type() {
        let facts: Facts = yaml_serde::from_str("a: true\nb: 3\nc: x\nd: [1, y]").unwrap();
        assert_eq!(facts["a"], FactValue::One(Scalar::Bool(true)));
        assert_eq!(facts["b"], FactValue::One(Scalar::Int(3)));
        assert_eq!(facts["c"], FactValue::One("x".into()));
        assert_eq!(facts["d"], FactValue::List(vec![Scalar::Int(1), "y".into()]));
    }
}
