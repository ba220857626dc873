import type { LocaleTexts } from './locale-texts.js';

/**
 * Polish: labels and buttons in the imperative, as Polish interfaces write them; messages in the
 * impersonal form ("należy", "prosimy"), which is polite without guessing the reader's gender.
 * Numbers stand where no noun must agree with them ("Minimalna liczba znaków: 8").
 */
export const pl: LocaleTexts = {
  title: 'Wybierz nowe hasło',
  intro: 'Przed przejściem dalej należy zmienić hasło.',
  accountLabel: 'Konto',
  passwordLabel: 'Nowe hasło',
  confirmLabel: 'Potwierdź nowe hasło',
  rulesHeading: 'Wymagania dotyczące hasła:',
  submit: 'Ustaw hasło i kontynuuj',
  mismatch: 'Hasła nie są takie same.',
  tooLong: 'To hasło jest za długie (maksymalna liczba bajtów: 72).',
  unavailable: 'Nie udało się teraz ustawić hasła. Prosimy spróbować ponownie.',
  expired: 'Ten link wygasł lub został już użyty. Należy wrócić do aplikacji i zalogować się ponownie.',
  locked: 'Zbyt wiele prób. Należy wrócić do aplikacji i zalogować się ponownie.',
  done: 'Hasło zostało ustawione. Trwa przekierowanie…',
  continue: 'Kontynuuj',
  ruleMinLength: 'Minimalna liczba znaków: {min}',
  ruleMinLengthOne: 'Co najmniej 1 znak',
  ruleMaxBytes: 'Maksymalna liczba bajtów: {max} (polskie litery, np. ą, ę, ł, i znaki innych alfabetów zajmują 2 lub więcej)',
  ruleLowercase: 'Mała litera (a–z)',
  ruleUppercase: 'Wielka litera (A–Z)',
  ruleNumber: 'Cyfra (0–9)',
  ruleSpecial: 'Znak specjalny, np. ! @ # $ % ^ & *',
  ruleCharacterTypes: 'Co najmniej {atLeast} z tych rodzajów znaków: {types}',
  typeLowercase: 'małe litery (a–z)',
  typeUppercase: 'wielkie litery (A–Z)',
  typeNumber: 'cyfry (0–9)',
  typeSpecial: 'znaki specjalne (np. ! @ # $ % ^ & *)',
  ruleNoIdenticalRun: 'Najwyżej 2 jednakowe znaki z rzędu (np. nie „aaa”)',
  ruleNoSequence: 'Najwyżej 2 kolejne litery lub cyfry (np. nie „abc” ani „321”)',
  ruleNotCommon: 'Nie może być popularnym hasłem',
  ruleNoProfileData: 'Bez danych osobowych, takich jak imię i nazwisko czy adres e-mail',
  ruleNotRecent: 'Nie może być ostatnio używanym hasłem',
  ruleNotBreached: 'Nie może występować w znanych wyciekach danych',
  listSeparator: ', ',
  refusedHistory: 'To hasło było już używane. Prosimy wybrać inne.',
  refusedStrength: 'To hasło jest za słabe.',
  refusedDictionary: 'To hasło jest zbyt popularne.',
  refusedNoUserInfo: 'To hasło zawiera dane osobowe.',
  breachCheckUnavailable: 'Nie udało się teraz sprawdzić tego hasła w znanych wyciekach danych. Prosimy spróbować ponownie.',
  showPassword: 'Pokaż hasło',
  hidePassword: 'Ukryj hasło',
};
