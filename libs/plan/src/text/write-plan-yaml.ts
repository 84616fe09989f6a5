import { Document, isScalar, isSeq, Scalar, visit } from 'yaml';

/** The longest list of scalars still written on one line, as `status: [200, 201]`. */
const FLOW_LIST_WIDTH = 60;

/**
 * Writes a plan (any JSON value, as written) as YAML that {@link readPlanYaml}
 * reads back to the same value, keys in their order: block style, lists under
 * a key indented as docs/plan-format.md writes them, short lists of scalars on
 * one line, multi-line text as a literal block, no line ever folded (a folded
 * URL would be hard to read and to diff). The `yaml` package quotes whatever the
 * core schema would read as another type (`'1'`, `'no'`). What the editor shows
 * and what `loadtest import` prints.
 */
export function writePlanYaml(plan: unknown): string {
  const document = new Document(plan);
  visit(document, {
    // The reader takes `<<` as a merge key: a key that is the text `<<` is quoted so that it stays a key.
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') pair.key.type = Scalar.QUOTE_DOUBLE;
    },
    Seq(_key, node) {
      const scalars = node.items.every((item) => isScalar(item) && !(typeof item.value === 'string' && /[\n\r]/.test(item.value)));
      if (scalars && node.items.length > 0 && JSON.stringify(node.toJSON()).length <= FLOW_LIST_WIDTH) node.flow = true;
    },
  });
  // A list at the top is no plan, but a draft may be anything: it is written as it is.
  if (isSeq(document.contents) && document.contents.items.length === 0) document.contents.flow = true;
  return document.toString({ lineWidth: 0, indentSeq: true, blockQuote: 'literal', flowCollectionPadding: false });
}
