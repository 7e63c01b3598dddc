//! cleanup(8)'s address rewriting for a recipient: canonical maps, then
//! virtual alias expansion (recursive, with Postfix's limits), and each
//! result resolved by trivial-rewrite.

use super::config::Config;
use super::resolve::{Resolution, Resolver};
use super::tables::{
    address_lookup_with, config_dir_resolver, AddressMode, AddressOptions, LoadOptions, Lookup,
    TableList,
};

/// One final recipient and where Postfix sends it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    pub recipient: String,
    pub resolution: Resolution,
    /// The tables that rewrote the address on the way (`table: key`).
    pub rewritten_by: Vec<String>,
}

/// The recipient rewriting pipeline of one configuration.
pub struct Pipeline<'a> {
    pub resolver: Resolver<'a>,
    config: &'a Config,
    recipient_canonical: TableList,
    canonical: TableList,
    virtual_alias: TableList,
    recursion_limit: usize,
    expansion_limit: usize,
}

fn open(config: &Config, name: &str) -> TableList {
    let resolve = config_dir_resolver(&config.dir);
    TableList::load(&config.get(name), &resolve, LoadOptions::default())
}

impl<'a> Pipeline<'a> {
    pub fn new(config: &'a Config) -> Pipeline<'a> {
        Pipeline {
            resolver: Resolver::new(config),
            config,
            recipient_canonical: open(config, "recipient_canonical_maps"),
            canonical: open(config, "canonical_maps"),
            virtual_alias: open(config, "virtual_alias_maps"),
            recursion_limit: config
                .get("virtual_alias_recursion_limit")
                .trim()
                .parse()
                .unwrap_or(1000),
            expansion_limit: config
                .get("virtual_alias_expansion_limit")
                .trim()
                .parse()
                .unwrap_or(1000),
        }
    }

    fn lookup(
        &self,
        list: &TableList,
        address: &str,
        mode: AddressMode,
    ) -> Result<Option<Vec<String>>, String> {
        if list.tables.is_empty() {
            return Ok(None);
        }
        let local = |d: &str| {
            self.resolver.is_local_domain(d) || d.eq_ignore_ascii_case(&self.config.get("myorigin"))
        };
        let delimiter = self.config.get("recipient_delimiter");
        let propagate = self.config.get("propagate_unmatched_extensions");
        let mut options = AddressOptions::new(&delimiter, &local);
        options.propagate_unmatched_extensions = &propagate;
        let found = address_lookup_with(list, address, mode, &options);
        if let Lookup::Fail(e) = &found.result {
            return Err(e.clone());
        }
        Ok(found.rewritten(address))
    }

    /// Where mail for `address` goes: one delivery per final recipient.
    /// `Err` when a table lookup failed (the real Postfix would defer).
    pub fn deliveries(&self, address: &str) -> Result<Vec<Delivery>, String> {
        let mut address = self.resolver.rewrite_local(address);
        let mut trail = Vec::new();
        for (list, name) in [
            (&self.recipient_canonical, "recipient_canonical_maps"),
            (&self.canonical, "canonical_maps"),
        ] {
            if let Some(results) = self.lookup(list, &address, AddressMode::Canonical)? {
                if let Some(first) = results.first() {
                    trail.push(format!("{name}: {address}"));
                    address = self.resolver.rewrite_local(first);
                }
            }
        }
        let mut out = Vec::new();
        let mut budget = self.expansion_limit;
        self.expand(&address, 0, &mut trail, &mut out, &mut budget)?;
        Ok(out)
    }

    fn expand(
        &self,
        address: &str,
        depth: usize,
        trail: &mut Vec<String>,
        out: &mut Vec<Delivery>,
        budget: &mut usize,
    ) -> Result<(), String> {
        let results = if depth >= self.recursion_limit {
            None
        } else {
            self.lookup(&self.virtual_alias, address, AddressMode::Virtual)?
        };
        match results {
            Some(results) if !(results.len() == 1 && results[0].eq_ignore_ascii_case(address)) => {
                for r in results {
                    if *budget == 0 {
                        break;
                    }
                    let next = self.resolver.rewrite_local(&r);
                    trail.push(format!("virtual_alias_maps: {address}"));
                    if next.eq_ignore_ascii_case(address) {
                        *budget -= 1;
                        self.finish(&next, trail, out);
                    } else {
                        self.expand(&next, depth + 1, trail, out, budget)?;
                    }
                    trail.pop();
                }
            }
            _ => {
                if *budget > 0 {
                    *budget -= 1;
                    self.finish(address, trail, out);
                }
            }
        }
        Ok(())
    }

    fn finish(&self, address: &str, trail: &[String], out: &mut Vec<Delivery>) {
        let resolution = self.resolver.resolve(address);
        if !out.iter().any(|d| d.recipient == resolution.recipient) {
            out.push(Delivery {
                recipient: resolution.recipient.clone(),
                resolution,
                rewritten_by: trail.to_vec(),
            });
        }
    }
}
