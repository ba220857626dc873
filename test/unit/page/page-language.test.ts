import { describe, expect, it } from 'vitest';
import { BUILT_IN_LOCALES } from '../../../src/page/locales/index.js';
import { createLanguageChooser } from '../../../src/page/page-language.js';
import { DEFAULT_TEXTS } from '../../../src/page/page-texts.js';

const fr = BUILT_IN_LOCALES.fr!;

describe('the page’s language', () => {
  it('is the one its texts are in: the login’s locale matched with the gate’s rules, else English', () => {
    const choose = createLanguageChooser();
    const shown = (locale: string | undefined) => {
      const { lang, text } = choose(locale);
      return [lang, text('title')];
    };
    expect(shown('fr-CA')).toEqual(['fr', fr.title]);
    expect(shown('FR')).toEqual(['fr', fr.title]);
    expect(shown('pt-br')).toEqual(['pt-BR', BUILT_IN_LOCALES['pt-BR']!.title]);
    expect(shown('zh_CN')).toEqual(['zh-CN', BUILT_IN_LOCALES['zh-CN']!.title]);
    // No Traditional Chinese, no European Portuguese, no Danish: English, and said to be English.
    expect(shown('zh-TW')).toEqual(['en', DEFAULT_TEXTS.title]);
    expect(shown('pt-PT')).toEqual(['en', DEFAULT_TEXTS.title]);
    expect(shown('da')).toEqual(['en', DEFAULT_TEXTS.title]);
    expect(shown(undefined)).toEqual(['en', DEFAULT_TEXTS.title]);
  });

  it('follows Accept-Language by weight when there is no session, and never a session’s over it', () => {
    const choose = createLanguageChooser();
    expect(choose(undefined, 'da, sv;q=0.8, de;q=0.9').lang).toBe('de');
    expect(choose(undefined, '*, ko;q=0.1').lang).toBe('ko');
    expect(choose(undefined, 'ja;q=0, nl;q=0.2').lang).toBe('nl');
    expect(choose(undefined, 'x-klingon, <script>').lang).toBe('en');
    expect(choose('it', 'de').lang).toBe('it');
  });

  it('takes each text from texts first, then the built-in language, then texts’ default, then English', () => {
    const choose = createLanguageChooser({
      title: 'Acme',
      submit: { 'fr-CA': 'Enregistrer', fr: 'Valider', default: 'Save' },
      intro: { default: 'Acme asks you to replace your password.' },
      continue: { 'pt-PT': 'Continuar' },
    });
    const texts = (locale: string) => {
      const { lang, text } = choose(locale);
      return { lang, title: text('title'), submit: text('submit'), intro: text('intro'), continue: text('continue') };
    };
    // A string is the text in every language.
    expect(texts('de').title).toBe('Acme');
    // The login's exact tag, added by texts, then its language part.
    expect(texts('fr-CA')).toEqual({ lang: 'fr-CA', title: 'Acme', submit: 'Enregistrer', intro: fr.intro, continue: fr.continue });
    expect(texts('fr-BE')).toEqual({ lang: 'fr', title: 'Acme', submit: 'Valider', intro: fr.intro, continue: fr.continue });
    // `default` stands for English, not for a language the page has.
    expect(texts('de')).toEqual({ lang: 'de', title: 'Acme', submit: BUILT_IN_LOCALES.de!.submit, intro: BUILT_IN_LOCALES.de!.intro, continue: BUILT_IN_LOCALES.de!.continue });
    expect(texts('en-US')).toEqual({ lang: 'en', title: 'Acme', submit: 'Save', intro: 'Acme asks you to replace your password.', continue: DEFAULT_TEXTS.continue });
    // A language only texts has: its texts, then default, then English.
    expect(texts('pt-PT')).toEqual({ lang: 'pt-PT', title: 'Acme', submit: 'Save', intro: 'Acme asks you to replace your password.', continue: 'Continuar' });
  });
});
