/** The reply parser lives in core (one reader of templates for every package); kept here for imports. */
export {
  MAX_TEMPLATE_WORDS,
  normalizePlaceholder,
  type ParseTemplatesOptions,
  parseTemplates,
} from "@vlmopt/core";
