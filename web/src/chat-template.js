// Chat templates (tokenizer_config.json "chat_template"), rendered on the page
// side with @huggingface/jinja, as Transformers.js does. Shared by the
// text-generation pipeline and AutoTokenizer.
import { PocketformerError } from './errors.js';

/**
 * The chat template and its special tokens from tokenizer_config.json bytes.
 * @param {Record<string, Uint8Array>} files
 * @returns {{chatTemplate?: {template: string, bos_token: string, eos_token: string}}}
 */
export function chatTemplateOf(files) {
  const config = tokenizerConfigOf(files);
  if (!config) return {};
  let template = config.chat_template;
  if (Array.isArray(template)) template = template.find((t) => t && t.name === 'default')?.template;
  if (typeof template !== 'string') return {};
  return {
    chatTemplate: { template, bos_token: tokenText(config.bos_token), eos_token: tokenText(config.eos_token) },
  };
}

/** tokenizer_config.json parsed, or null when absent. BAD_CONFIG when not JSON. */
export function tokenizerConfigOf(files) {
  const bytes = files['tokenizer_config.json'];
  if (!bytes) return null;
  try {
    const config = JSON.parse(new TextDecoder().decode(bytes));
    if (config && typeof config === 'object' && !Array.isArray(config)) return config;
  } catch {
    // reported below
  }
  throw new PocketformerError('BAD_CONFIG', 'tokenizer_config.json: not a valid JSON object');
}

/** A special token as tokenizer_config.json writes it: a string or {content}. */
export function tokenText(t) {
  return typeof t === 'string' ? t : t && typeof t.content === 'string' ? t.content : '';
}

/**
 * Renders chat messages to prompt text.
 * @param {{template: string, bos_token?: string, eos_token?: string} | null} chatTemplate
 * @param {{role: string, content: string}[]} messages
 * @param {{add_generation_prompt?: boolean, [key: string]: unknown}} [options] extra keys are template variables
 */
export async function renderChatTemplate(chatTemplate, messages, options = {}) {
  if (!chatTemplate) {
    throw new PocketformerError(
      'UNSUPPORTED',
      'this model has no chat template (tokenizer_config.json chat_template); pass a string prompt',
    );
  }
  if (!Array.isArray(messages)) {
    throw new PocketformerError('INVALID_ARGUMENT', 'messages must be an array of {role, content}');
  }
  const { Template } = await import('@huggingface/jinja');
  const { template, bos_token = '', eos_token = '' } = chatTemplate;
  const { add_generation_prompt = false, ...variables } = options;
  return new Template(template).render({ bos_token, eos_token, ...variables, messages, add_generation_prompt });
}
