// Sphinx's doctools.js turns a translation catalog's plural rule into code with
// `new Function`, which this site's Content-Security-Policy forbids ('unsafe-eval').
// Loaded before translations.js in translated editions only (docs/_ext/site_editions.py),
// this reads the rule instead: Chinese has one form ("0"), most languages two.
Documentation.addTranslations = (catalog) => {
  Object.assign(Documentation.TRANSLATIONS, catalog.messages);
  const rule = String(catalog.plural_expr).replace(/\s+/g, "");
  Documentation.PLURAL_EXPR = rule === "0" ? () => 0 : (n) => (n === 1 ? 0 : 1);
  Documentation.LOCALE = catalog.locale;
};
