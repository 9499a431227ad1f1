import type { Strings } from './strings.js';

/** French. Typographic spaces before « : ? ! » are narrow no-break spaces (U+202F). */
export const fr: Strings = {
  title: 'Vérifiez votre numéro de téléphone',
  intro: 'Nous allons vous envoyer un SMS pour vérifier que ce téléphone est bien le vôtre.',
  firstName: 'Prénom',
  lastName: 'Nom',
  phone: 'Numéro de téléphone',
  phoneHint: 'Numéro de mobile',
  submit: 'Vérifier',
  verifyFirst: 'Vérifiez d’abord votre numéro de téléphone.',
  submitting: 'Démarrage…',
  otpSending: (phone) => `Envoi d’un code au ${phone}…`,
  otpTitle: 'Saisissez le code de vérification',
  otpIntro: (phone) => `Saisissez le code que nous venons d’envoyer au ${phone}.`,
  codeLabel: 'Code de vérification',
  submitCode: 'Confirmer le code',
  checkingCode: 'Vérification…',
  codeTimeLeft: (time) => `Le code expire dans ${time}.`,
  resendCode: 'Renvoyer le code',
  resendCodeIn: (time) => `Un nouveau code pourra être envoyé dans ${time}.`,
  codeLastTry: 'Dernier essai\u202f: si ce code est faux lui aussi, la vérification prend fin.',
  codeHelpTitle: 'Vous n’avez pas reçu le SMS\u202f?',
  codeHelpNumber: (phone) => `Vérifiez que le ${phone} est bien votre numéro de mobile.`,
  codeHelpWait: 'Un SMS peut mettre une minute ou deux à arriver.',
  codeHelpActions: (resend, change) =>
    `Toujours rien\u202f? Utilisez «\u202f${resend}\u202f» pour recevoir un nouveau code, ou «\u202f${change}\u202f» pour utiliser un autre numéro.`,
  sendNewCode: 'Envoyer un nouveau code',
  codeSendsLeft: (n) =>
    n === 1
      ? 'Vous pouvez demander un nouveau code encore une fois.'
      : `Vous pouvez demander un nouveau code encore ${n} fois.`,
  codeNoSendsLeft:
    'Plus aucun code ne peut être envoyé pour cette vérification. Recommencez pour en recevoir un nouveau.',
  changeNumber: 'Changer de numéro',
  phoneChangeTitle: 'Utiliser un autre numéro',
  sendCode: 'Envoyer le code',
  sendLink: 'Envoyer le lien',
  linkSending: (last4) =>
    `Un SMS contenant un lien est en cours d’envoi au téléphone se terminant par ${last4}. Ouvrez le lien sur votre téléphone pour continuer.`,
  linkTitle: 'Consultez votre téléphone',
  linkIntro: (last4) =>
    `Un SMS contenant un lien vient d’être envoyé au téléphone se terminant par ${last4}. Ouvrez le lien sur votre téléphone pour continuer.`,
  linkTimeLeft: (time) => `Le lien expire dans ${time}.`,
  resendLink: 'Renvoyer le lien',
  resendLinkIn: (time) => `Un nouveau lien pourra être envoyé dans ${time}.`,
  linkSendsLeft: (n) =>
    n === 1
      ? 'Vous pouvez demander un nouveau lien encore une fois.'
      : `Vous pouvez demander un nouveau lien encore ${n} fois.`,
  linkNoSendsLeft:
    'Plus aucun lien ne peut être envoyé pour cette vérification. Recommencez pour en recevoir un nouveau.',
  linkExpiredTitle: 'Le lien a expiré',
  linkExpiredBody: 'Le lien du SMS ne peut plus être utilisé. Envoyez un nouveau lien ou utilisez un autre numéro.',
  sendNewLink: 'Envoyer un nouveau lien',
  linkKeepOpen: 'Gardez cette page ouverte ; elle se met à jour toute seule.',
  connectionLost:
    'Connexion perdue — gardez cette page ouverte. Nous vérifierons à nouveau dès que vous serez de retour en ligne.',
  connectionBack: 'Vous êtes de nouveau en ligne. Nous attendons toujours que le lien soit ouvert.',
  linkInterruptedTitle: 'L’attente a été interrompue',
  linkInterruptedBody:
    'La connexion a été perdue avant l’ouverture du lien. Envoyez un nouveau lien ou utilisez un autre numéro.',
  differentNumber: 'Utiliser un autre numéro',
  cancel: 'Annuler',
  verifying: 'Vérification du résultat…',
  successTitle: 'Numéro de téléphone vérifié',
  successBody: 'Merci, votre numéro de téléphone est confirmé.',
  verifiedNumber: (phone) => `Le numéro vérifié est le ${phone}.`,
  failureTitle: 'Nous n’avons pas pu vérifier ce numéro de téléphone',
  failureBody:
    'Les informations ne correspondent pas à celles que l’opérateur connaît pour ce téléphone. Vérifiez-les et réessayez.',
  failurePossessionBody:
    'Nous n’avons pas pu confirmer que ce téléphone est avec vous\u202f: le code ou le lien n’a pas été utilisé à temps, ou trop de tentatives ont échoué. Recommencez pour en recevoir un nouveau.',
  failureCodeBody:
    'Ce code n’a pas fonctionné et aucune autre tentative n’est permise. Recommencez pour recevoir un nouveau code.',
  failureSendBody:
    'Plus aucun code ni lien ne peut être envoyé pour cette vérification. Recommencez pour en recevoir un nouveau.',
  failureStartBody:
    'Nous n’avons pas pu vérifier ce numéro de téléphone avec ces informations. Vérifiez-les et réessayez.',
  startAgain: 'Recommencer',
  tryAgain: 'Réessayer',
  expiredTitle: 'Cette vérification a expiré',
  expiredBody: 'Les codes et les liens ne fonctionnent que quelques minutes. Recommencez pour en recevoir un nouveau.',
  waitFor: (time) => `Vous pourrez réessayer dans ${time}.`,
  waitOver: 'Vous pouvez réessayer maintenant.',
  otpSendingTitle: 'Envoi d’un code',
  checkingTitle: 'Vérification du code',
  verifyingTitle: 'Vérification du résultat',
  progressBody: 'Cela ne prend qu’un instant.',
  statusErrorTitle: 'Nous n’avons pas pu obtenir le résultat',
  messages: {
    required: 'Ce champ est obligatoire.',
    tooLong: 'C’est trop long.',
    nameHiddenCharacters:
      'Ce nom contient des caractères cachés, souvent dus à un copier-coller. Saisissez-le à nouveau.',
    phoneInvalid: 'Saisissez un numéro de téléphone valide.',
    phoneTooShort: 'Ce numéro de téléphone est trop court.',
    phoneTooLong: 'Ce numéro de téléphone est trop long.',
    codeRequired: 'Saisissez le code reçu par SMS.',
    codeWrong: 'Ce code n’a pas fonctionné. Vérifiez le SMS et réessayez.',
    codeExpired: 'Ce code a expiré. Envoyez un nouveau code pour continuer.',
    codeSent: 'Nous avons envoyé un nouveau code.',
    linkSent: 'Nous avons envoyé un nouveau lien.',
    phoneRejected: 'Ce numéro ne peut pas recevoir notre SMS. Vérifiez-le ou utilisez-en un autre.',
    phoneNotAllowed: 'Les numéros de ce pays ne sont pas acceptés ici.',
    codeIncomplete: 'Saisissez tous les chiffres du code.',
  },
  errors: {
    network: 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
    load: 'Impossible de charger ce formulaire. Vérifiez votre connexion et réessayez.',
    timeout: 'Le serveur a mis trop de temps à répondre. Réessayez.',
    http: 'Un problème est survenu de notre côté. Réessayez.',
    malformed: 'Le serveur a envoyé une réponse illisible. Réessayez.',
    'rate-limited': 'Trop de tentatives pour le moment.',
    unavailable: 'Le serveur ne peut pas répondre pour le moment.',
    pending: 'Le résultat n’est pas encore prêt. Réessayez dans un instant.',
    'prove-unavailable': 'Le service de vérification n’est pas disponible pour le moment. Réessayez dans un instant.',
    expired: 'Cette vérification a expiré. Recommencez pour recevoir un nouveau code ou lien.',
    integration:
      'Ce formulaire n’est pas configuré correctement. Les développeurs du site trouveront les détails dans la console du navigateur.',
    sdk: 'Le service de vérification s’est arrêté de manière inattendue. Réessayez.',
    config: 'Ce formulaire n’est pas encore configuré (backend-url manquant).',
  },
  countryLabel: 'Pays',
  phoneHintFor: (country, code) => `Numéro de mobile, ${country}${code ? ` (${code})` : ''}`,
  phoneTooShortFor: (country) => `Ce numéro de téléphone est trop court pour ce pays (${country}).`,
  phoneTooLongFor: (country) => `Ce numéro de téléphone est trop long pour ce pays (${country}).`,
  phoneNotAllowedFrom: (country) => `Les numéros de ce pays ne sont pas acceptés ici (${country}).`,
  codeLength: (digits) => `Saisissez le code à ${digits} chiffres.`,
  codeChecked: (code) => `Vérification du code ${code}…`,
  errorPrefix: 'Erreur :',
};
