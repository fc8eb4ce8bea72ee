//! The fields of plugin.yml, declared once: the checks, `explain` texts and (later) the JSON
//! Schema read this table.

/// The type a field's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A string.
    Str,
    /// A version string. wazo-plugind turns YAML numbers into strings with Python's `str()`.
    Version,
    /// plugin_format_version: an integer from 0 to 2.
    FormatVersion,
    /// A list of `{name, namespace, version?}` mappings.
    Depends,
    /// A list of Debian dependency strings.
    DebianDepends,
    /// A list of strings.
    StrList,
}

/// Who reads a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// wazo-plugind validates and uses it.
    Plugind,
    /// wazo-plugind uses it without validating it.
    PlugindUnchecked,
    /// Only the plugin market reads it; wazo-plugind drops it.
    Market,
}

/// A known field of plugin.yml.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    pub reader: Reader,
    pub summary: &'static str,
}

const fn field(
    name: &'static str,
    ty: FieldType,
    required: bool,
    reader: Reader,
    summary: &'static str,
) -> Field {
    Field {
        name,
        ty,
        required,
        reader,
        summary,
    }
}

use FieldType::*;
use Reader::*;

/// Every field wazo-plugind or the plugin market reads.
pub const FIELDS: &[Field] = &[
    field(
        "name",
        Str,
        true,
        Plugind,
        "The plugin's name: lowercase letters, digits and dashes.",
    ),
    field(
        "namespace",
        Str,
        true,
        Plugind,
        "The author's namespace: lowercase letters and digits.",
    ),
    field(
        "version",
        Version,
        true,
        Plugind,
        "The plugin's version; it becomes the Debian package version.",
    ),
    field(
        "plugin_format_version",
        FormatVersion,
        false,
        Plugind,
        "The plugin format implemented: 0 (default) or 1 (adds postrm).",
    ),
    field(
        "depends",
        Depends,
        false,
        Plugind,
        "Other plugins this plugin needs: a list of {name, namespace}.",
    ),
    field(
        "debian_depends",
        DebianDepends,
        false,
        PlugindUnchecked,
        "Debian packages this plugin needs, each as in a Depends field.",
    ),
    field(
        "min_wazo_version",
        Version,
        false,
        Plugind,
        "The oldest Wazo version the plugin installs on, e.g. \"23.05\".",
    ),
    field(
        "max_wazo_version",
        Version,
        false,
        Plugind,
        "The newest Wazo version the plugin installs on, e.g. \"25.10\".",
    ),
    field(
        "description",
        Str,
        false,
        Market,
        "What the plugin does, shown by the plugin market.",
    ),
    field(
        "short_description",
        Str,
        false,
        Market,
        "A one-line description for the plugin market.",
    ),
    field(
        "display_name",
        Str,
        false,
        Market,
        "The name shown by the plugin market.",
    ),
    field("author", Str, false, Market, "Who wrote the plugin."),
    field(
        "homepage",
        Str,
        false,
        Market,
        "The plugin's home page or repository URL.",
    ),
    field("license", Str, false, Market, "The plugin's license."),
    field("icon", Str, false, Market, "An icon for the plugin market."),
    field(
        "color",
        Str,
        false,
        Market,
        "A colour for the plugin market.",
    ),
    field(
        "tags",
        StrList,
        false,
        Market,
        "Keywords for the plugin market.",
    ),
    field(
        "screenshots",
        StrList,
        false,
        Market,
        "Screenshot URLs for the plugin market.",
    ),
];

/// The field called `name`, if it is known.
pub fn find(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// The core Wazo services and packages that are not plugins (a `depends` entry naming one is
/// turned into a Debian dependency on a package that does not exist).
pub const CORE_SERVICES: &[&str] = &[
    "asterisk",
    "wazo-agentd",
    "wazo-agid",
    "wazo-amid",
    "wazo-auth",
    "wazo-call-logd",
    "wazo-calld",
    "wazo-chatd",
    "wazo-confd",
    "wazo-confgend",
    "wazo-dird",
    "wazo-phoned",
    "wazo-plugind",
    "wazo-provd",
    "wazo-setupd",
    "wazo-sysconfd",
    "wazo-webhookd",
    "wazo-websocketd",
    "wazo-ui",
    "wazo-admin-ui",
    "wazo-platform",
    "nginx",
    "postgresql",
    "rabbitmq-server",
    "consul",
];
