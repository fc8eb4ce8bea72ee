//! Wazo's services: their conf.d folder, the entry-point groups they load and how a plugin of
//! each group is enabled; the group names Wazo used to have.
//!
//! Sources (wazo-platform repositories, see docs/shipped.md for the full list):
//! - loader: `xivo-lib-python@b773b7b:xivo/plugin_helpers.py`, `load(namespace, names=config[KEY])`
//!   loads only the names whose value is truthy; a name with no entry point is only logged.
//! - groups and keys: each service's `setup.py` `entry_points` and its default `config.py`
//!   (`wazo-calld`, `wazo-confd`, `wazo-auth`, `wazo-dird`, `wazo-chatd`, `wazo-call-logd`,
//!   `wazo-webhookd`, `wazo-agentd`, `wazo-phoned`, `wazo-amid`, `wazo-setupd`,
//!   `wazo-sysconfd`, `wazo-ui`, `wazo-confgend`, `wazo-purge-db`), as summarised in
//!   shared/reference/wazo-extension-points.md "Entry-point groups and what enables them".
//! - conf.d reading: `xivo-lib-python@b773b7b:xivo/config_helper.py:96-108`.
//! - renames: the upgrade notes (`wazo-platform.org:website/uc-doc/upgrade/archives/upgrade_notes.md`).

/// How the plugins of a group are enabled in the service's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enable {
    /// `KEY: {name: true}` (`enabled_plugins`, `enabled_http_plugins`, ...).
    Flat(&'static str),
    /// `KEY: {SUB: {name: true}}` (wazo-dird's and wazo-purge-db's `enabled_plugins`).
    Nested(&'static str, &'static str),
    /// `KEY: {name: {enabled: true, ...}}` (wazo-auth's `idp_plugins`, wazo-chatd's `connectors`).
    Entries(&'static str),
    /// `KEY: name`: one plugin, named (wazo-auth's `email_notification_plugin`).
    One(&'static str),
    /// wazo-confgend: `plugins: {"<resource>.<file>": name}`.
    Confgend,
    /// Every entry point of the group is loaded (client command plugins).
    All,
}

impl Enable {
    /// How it looks, for messages: `enabled_plugins: {NAME: true}`.
    pub fn shape(&self, name: &str) -> String {
        match self {
            Enable::Flat(key) => format!("{key}:\n  {name}: true"),
            Enable::Nested(key, sub) => format!("{key}:\n  {sub}:\n    {name}: true"),
            Enable::Entries(key) => format!("{key}:\n  {name}:\n    enabled: true"),
            Enable::One(key) => format!("{key}: {name}"),
            Enable::Confgend => format!("plugins:\n  <resource>.<file>: {name}"),
            Enable::All => String::new(),
        }
    }

    /// The top-level key.
    pub fn key(&self) -> Option<&'static str> {
        match self {
            Enable::Flat(k) | Enable::Nested(k, _) | Enable::Entries(k) | Enable::One(k) => Some(k),
            Enable::Confgend => Some("plugins"),
            Enable::All => None,
        }
    }
}

/// An entry-point group a Wazo service loads.
#[derive(Debug)]
pub struct Group {
    pub name: &'static str,
    pub enable: Enable,
    /// Whether the group's plugins add HTTP resources, documented by an `api.yml` beside their
    /// module (`xivo/rest_api_helpers.py:59-74`).
    pub http: bool,
}

/// A Wazo service with a conf.d folder.
#[derive(Debug)]
pub struct Service {
    /// The systemd unit and the folder under /etc: `wazo-calld`.
    pub name: &'static str,
    pub groups: &'static [Group],
    /// Top-level configuration keys the service reads, beyond [`COMMON_KEYS`] (incomplete:
    /// an unknown key is only reported when it is close to a known one).
    pub keys: &'static [&'static str],
    /// Whether the service has a systemd unit to restart (wazo-purge-db runs from cron).
    pub unit: bool,
}

const fn g(name: &'static str, enable: Enable, http: bool) -> Group {
    Group { name, enable, http }
}

use Enable::{Confgend, Entries, Flat, Nested, One};

const EP: Enable = Flat("enabled_plugins");

/// Keys most Wazo services read (xivo-lib-python's config helpers and the services' defaults).
pub const COMMON_KEYS: &[&str] = &[
    "config_file",
    "extra_config_files",
    "debug",
    "log_level",
    "log_filename",
    "log_file",
    "foreground",
    "pid_filename",
    "pid_file",
    "user",
    "rest_api",
    "auth",
    "bus",
    "consul",
    "service_discovery",
    "enabled_plugins",
    "db_uri",
    "uuid",
    "celery",
    "amid",
    "ari",
    "confd",
    "calld",
    "dird",
    "chatd",
    "agentd",
    "webhookd",
    "websocketd",
    "call_logd",
    "phoned",
    "provd",
    "setupd",
    "sysconfd",
    "plugind",
    "ajax",
    "http",
    "https",
    "max_threads",
    "publish_ami_events",
    "remote_credentials",
    "token",
];

/// The Wazo services with a conf.d folder, by name.
pub static SERVICES: &[Service] = &[
    Service {
        name: "wazo-calld",
        groups: &[g("wazo_calld.plugins", EP, true)],
        keys: &[
            "collectd",
            "remote_credentials",
            "phoned",
            "max_meeting_participants",
        ],
        unit: true,
    },
    Service {
        name: "wazo-confd",
        groups: &[g("wazo_confd.plugins", EP, true)],
        keys: &["wizard", "provd", "sysconfd", "service_id", "service_key"],
        unit: true,
    },
    Service {
        name: "wazo-auth",
        groups: &[
            g("wazo_auth.http", Flat("enabled_http_plugins"), true),
            g("wazo_auth.backends", Flat("enabled_backend_plugins"), false),
            g(
                "wazo_auth.metadata",
                Flat("enabled_metadata_plugins"),
                false,
            ),
            g(
                "wazo_auth.external_auth",
                Flat("enabled_external_auth_plugins"),
                true,
            ),
            g("wazo_auth.idp", Entries("idp_plugins"), false),
            g(
                "wazo_auth.email_notification",
                One("email_notification_plugin"),
                false,
            ),
        ],
        keys: &[
            "enabled_http_plugins",
            "enabled_backend_plugins",
            "enabled_metadata_plugins",
            "enabled_external_auth_plugins",
            "idp_plugins",
            "email_notification_plugin",
            "init_key_filename",
            "default_token_lifetime",
            "ldap",
            "smtp",
            "email_confirmation_template",
            "password_reset_email_template",
            "oauth2_synchronization_ws_url_template",
            "saml",
            "purpose_metadata_mapping",
            "all_users_policies",
            "default_policies",
            "bootstrap_user_on_startup",
        ],
        unit: true,
    },
    Service {
        name: "wazo-dird",
        groups: &[
            g(
                "wazo_dird.backends",
                Nested("enabled_plugins", "backends"),
                false,
            ),
            g(
                "wazo_dird.services",
                Nested("enabled_plugins", "services"),
                false,
            ),
            g("wazo_dird.views", Nested("enabled_plugins", "views"), true),
        ],
        keys: &[
            "services",
            "views",
            "sources",
            "source_config_dir",
            "displays",
        ],
        unit: true,
    },
    Service {
        name: "wazo-chatd",
        groups: &[
            g("wazo_chatd.plugins", EP, true),
            g("wazo_chatd.connectors", Entries("connectors"), false),
        ],
        keys: &["connectors", "initialization"],
        unit: true,
    },
    Service {
        name: "wazo-call-logd",
        groups: &[
            g("wazo_call_logd.plugins", EP, true),
            g(
                "wazo_call_logd.celery_tasks",
                Flat("enabled_celery_tasks"),
                false,
            ),
        ],
        keys: &["enabled_celery_tasks", "cel_db_uri", "retention"],
        unit: true,
    },
    Service {
        name: "wazo-webhookd",
        groups: &[
            g("wazo_webhookd.plugins", EP, true),
            g("wazo_webhookd.services", Flat("enabled_services"), false),
            g(
                "wazo_webhookd.celery_tasks",
                Flat("enabled_celery_tasks"),
                false,
            ),
        ],
        keys: &[
            "enabled_services",
            "enabled_celery_tasks",
            "hook_max_attempts",
            "mobile_apns_host",
        ],
        unit: true,
    },
    Service {
        name: "wazo-agentd",
        groups: &[g("wazo_agentd.plugins", EP, true)],
        keys: &[],
        unit: true,
    },
    Service {
        name: "wazo-phoned",
        groups: &[g("wazo_phoned.plugins", EP, true)],
        keys: &["dird_default_profile", "dird_lookup_timeout"],
        unit: true,
    },
    Service {
        name: "wazo-amid",
        groups: &[g("wazo_amid.plugins", EP, true)],
        keys: &["ami", "connection_delay"],
        unit: true,
    },
    Service {
        name: "wazo-setupd",
        groups: &[g("wazo_setupd.plugins", EP, true)],
        keys: &["self_stop_delay", "deployd"],
        unit: true,
    },
    Service {
        name: "wazo-sysconfd",
        groups: &[g("wazo_sysconfd.plugins", EP, true)],
        keys: &["commonconf", "monit", "request_handlers"],
        unit: true,
    },
    Service {
        name: "wazo-ui",
        groups: &[g("wazo_ui.plugins", EP, false)],
        keys: &["http_server", "session_lifetime"],
        unit: true,
    },
    Service {
        name: "wazo-confgend",
        groups: &[],
        keys: &[
            "plugins",
            "cache",
            "listen_address",
            "listen_port",
            "templates",
        ],
        unit: true,
    },
    Service {
        name: "wazo-purge-db",
        groups: &[g(
            "wazo_purge_db.purgers",
            Nested("enabled_plugins", "purgers"),
            false,
        )],
        keys: &["days_to_keep"],
        unit: false,
    },
    Service {
        name: "wazo-websocketd",
        groups: &[],
        keys: &["websocket"],
        unit: true,
    },
    Service {
        name: "wazo-agid",
        groups: &[],
        keys: &["listen_address", "listen_port", "connection_pool_size"],
        unit: true,
    },
    Service {
        name: "wazo-plugind",
        groups: &[],
        keys: &[
            "backup_rules_dir",
            "build_dir",
            "download_dir",
            "extract_dir",
            "metadata_dir",
            "market",
            "default_branch",
        ],
        unit: true,
    },
    Service {
        name: "wazo-provd",
        groups: &[],
        keys: &["general", "database", "plugin_server"],
        unit: true,
    },
    Service {
        name: "wazo-auth-keys",
        groups: &[],
        keys: &[],
        unit: false,
    },
];

/// Old service folder names: (old, new, the release that renamed it). Sources: wazo-platform/
/// wazo-doc@a6798bc `source/upgrade/upgrade_notes.rst` (19.12: xivo-confd, xivo-ctid-ng,
/// xivo-dird "Entrypoints for custom Python plugins have been renamed"; wazo-admin-ui removed,
/// replaced by wazo-ui) and `old_upgrade_notes.rst` (17.14 xivo-auth, 17.15 xivo-call-logd);
/// wazo-platform.org@fea94fd `website/uc-doc/upgrade/archives/upgrade_notes.md` (19.13 xivo-amid,
/// 19.14 xivo-confgend "The plugin entry points have been renamed", 21.04 xivo-sysconfd).
pub const LEGACY_SERVICES: &[(&str, &str, &str)] = &[
    ("xivo-auth", "wazo-auth", "17.14"),
    ("xivo-call-logd", "wazo-call-logd", "17.15"),
    ("xivo-confd", "wazo-confd", "19.12"),
    ("xivo-ctid-ng", "wazo-calld", "19.12"),
    ("xivo-dird", "wazo-dird", "19.12"),
    ("wazo-admin-ui", "wazo-ui", "19.12"),
    ("xivo-amid", "wazo-amid", "19.13"),
    ("xivo-confgend", "wazo-confgend", "19.14"),
    ("xivo-sysconfd", "wazo-sysconfd", "21.04"),
];

/// Old entry-point group prefixes: (old prefix, new prefix, the release that renamed it); same
/// sources as [`LEGACY_SERVICES`]. No service loads the old group since that release.
pub const LEGACY_GROUPS: &[(&str, &str, &str)] = &[
    ("xivo_auth.", "wazo_auth.", "17.14"),
    ("xivo_confd.", "wazo_confd.", "19.12"),
    ("xivo_ctid_ng.", "wazo_calld.", "19.12"),
    ("xivo_dird.", "wazo_dird.", "19.12"),
    ("wazo_admin_ui.", "wazo_ui.", "19.12"),
    ("xivo_confgend.", "wazo_confgend.", "19.14"),
];

/// The service of that name.
pub fn service(name: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.name == name)
}

/// What loads an entry-point group: the service and the group, or for wazo-confgend's
/// `wazo_confgend.<resource>.<file>` groups a synthetic group. `None` for an unknown group.
pub fn group(name: &str) -> Option<(&'static Service, GroupRef)> {
    for s in SERVICES {
        if let Some(gr) = s.groups.iter().find(|gr| gr.name == name) {
            return Some((s, GroupRef::Table(gr)));
        }
    }
    if let Some(rest) = name.strip_prefix("wazo_confgend.")
        && rest.contains('.')
        && let Some(s) = service("wazo-confgend")
    {
        return Some((s, GroupRef::Confgend(rest.to_string())));
    }
    if name.starts_with("wazo_") && name.ends_with("_client.commands") {
        return None;
    }
    None
}

/// Whether the group is a client library's commands (all loaded, nothing to enable).
pub fn is_client_commands(name: &str) -> bool {
    name.starts_with("wazo_") && name.ends_with("_client.commands")
}

/// A group as found by [`group`].
#[derive(Debug, Clone)]
pub enum GroupRef {
    Table(&'static Group),
    /// `wazo_confgend.<resource>.<file>`: the `<resource>.<file>` part.
    Confgend(String),
}

impl GroupRef {
    pub fn enable(&self) -> Enable {
        match self {
            GroupRef::Table(g) => g.enable,
            GroupRef::Confgend(_) => Confgend,
        }
    }

    pub fn http(&self) -> bool {
        matches!(self, GroupRef::Table(g) if g.http)
    }
}

/// Every known group name, for suggestions.
pub fn group_names() -> impl Iterator<Item = &'static str> {
    SERVICES
        .iter()
        .flat_map(|s| s.groups.iter().map(|g| g.name))
}

/// The legacy rename a group falls under: (old prefix, new prefix, release).
pub fn legacy_group(name: &str) -> Option<(&'static str, &'static str, &'static str)> {
    LEGACY_GROUPS
        .iter()
        .find(|(old, _, _)| name.starts_with(old))
        .copied()
}

/// The legacy rename of a service folder.
pub fn legacy_service(name: &str) -> Option<(&'static str, &'static str, &'static str)> {
    LEGACY_SERVICES
        .iter()
        .find(|(old, _, _)| *old == name)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_resolve_to_their_service() {
        assert_eq!(
            group("wazo_calld.plugins").map(|(s, _)| s.name),
            Some("wazo-calld")
        );
        let (s, g) = group("wazo_confgend.asterisk.pjsip.conf").expect("confgend");
        assert_eq!(s.name, "wazo-confgend");
        assert_eq!(g.enable(), Enable::Confgend);
        assert!(group("wazo_calld.plugin").is_none());
        assert_eq!(
            legacy_group("xivo_ctid_ng.plugins"),
            Some(("xivo_ctid_ng.", "wazo_calld.", "19.12"))
        );
    }
}
