//! The maintainer scripts wazo-plugind puts in every plugin package.
//!
//! `postinst configure` runs `rules install`; `prerm remove` saves the rules file to
//! `/var/lib/wazo-plugind/rules/rules.<name>.<ns>` and runs `rules uninstall`; `postrm
//! remove|purge` runs the saved copy with `postrm` only from plugin_format_version 1, then deletes
//! it. Every other action is a no-op, and an unknown action fails.

use crate::plugin::package::PluginMeta;

/// Where the plugin's `wazo/` directory is installed.
pub fn installed_plugin_dir(meta: &PluginMeta) -> String {
    format!(
        "/usr/lib/wazo-plugind/plugins/{}/{}",
        meta.namespace, meta.name
    )
}

/// The installed rules file (`RULEFILE`).
pub fn rules_path(meta: &PluginMeta) -> String {
    format!("{}/wazo/rules", installed_plugin_dir(meta))
}

/// The directory holding the rules backups, provided on a Wazo host by the wazo-plugind package.
pub const BACKUP_DIR: &str = "/var/lib/wazo-plugind/rules";

/// The rules backup `prerm` makes and `postrm` runs (`BACKUP`).
pub fn backup_path(meta: &PluginMeta) -> String {
    format!("{BACKUP_DIR}/rules.{}.{}", meta.name, meta.namespace)
}

fn unknown(script: &str) -> String {
    format!(
        "    *)\n        echo \"{script} called with unknown argument \\`$1'\" >&2\n        exit 1\n        ;;\nesac\n"
    )
}

/// `DEBIAN/postinst`.
pub fn postinst(meta: &PluginMeta) -> String {
    format!(
        "#!/bin/sh\n\nset -e\n\nRULEFILE={}\n\ncase \"$1\" in\n    configure)\n        \"${{RULEFILE}}\" install\n        ;;\n    abort-upgrade|abort-remove|abort-deconfigure)\n        ;;\n{}",
        rules_path(meta),
        unknown("postinst")
    )
}

/// `DEBIAN/prerm`.
pub fn prerm(meta: &PluginMeta) -> String {
    format!(
        "#!/bin/sh\n\nset -e\n\nRULEFILE={}\nBACKUP={}\n\ncase \"$1\" in\n    remove)\n        cp \"${{RULEFILE}}\" \"${{BACKUP}}\"\n        \"${{RULEFILE}}\" uninstall\n        ;;\n    deconfigure|upgrade|failed-upgrade)\n        ;;\n{}\nexit 0\n",
        rules_path(meta),
        backup_path(meta),
        unknown("prerm")
    )
}

/// `DEBIAN/postrm`: runs `postrm` only for plugin_format_version 1 and up.
pub fn postrm(meta: &PluginMeta) -> String {
    let run = if meta.plugin_format_version > 0 {
        "        \"${BACKUP}\" postrm\n"
    } else {
        ""
    };
    format!(
        "#!/bin/sh\n\nset -e\n\nBACKUP={}\n\ncase \"$1\" in\n    purge|remove)\n{run}        rm -f \"${{BACKUP}}\"\n        ;;\n    upgrade|failed-upgrade|abort-install|abort-upgrade)\n        ;;\n{}\nexit 0\n",
        backup_path(meta),
        unknown("postrm")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::package::PluginMeta;

    fn parse(text: &str) -> Result<PluginMeta, crate::lint::package_gate::Refusal> {
        let plugin = crate::plugin::load::Plugin::from_text(
            std::path::Path::new("p"),
            Some(text.to_string()),
            Some("#!/bin/sh\n".to_string()),
        );
        crate::lint::package_gate::package_meta(&plugin)
    }

    #[test]
    fn postrm_runs_rules_from_format_1() {
        let v0 = parse("name: a\nnamespace: b\nversion: '1'\n").unwrap();
        let v1 = parse("name: a\nnamespace: b\nversion: '1'\nplugin_format_version: 1\n").unwrap();
        assert!(!postrm(&v0).contains("postrm\n        rm"));
        assert!(!postrm(&v0).contains("\" postrm"));
        assert!(postrm(&v1).contains("\"${BACKUP}\" postrm\n"));
        assert!(postrm(&v1).contains("BACKUP=/var/lib/wazo-plugind/rules/rules.a.b\n"));
        assert!(prerm(&v1).contains("RULEFILE=/usr/lib/wazo-plugind/plugins/b/a/wazo/rules\n"));
        assert!(postinst(&v1).contains("\"${RULEFILE}\" install"));
    }

    #[test]
    fn scripts_are_valid_sh() {
        let m = parse("name: a\nnamespace: b\nversion: '1'\nplugin_format_version: 1\n").unwrap();
        for text in [postinst(&m), prerm(&m), postrm(&m)] {
            let out = std::process::Command::new("sh")
                .args(["-n", "-c", &text])
                .status()
                .unwrap();
            assert!(out.success(), "{text}");
        }
    }
}
