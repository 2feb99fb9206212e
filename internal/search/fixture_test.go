package search

// fixtureWiki is a small wiki in English, Spanish and French, written for
// these tests: the ranking tests, the incremental tests and the offline
// index's parity test run on it.
var fixtureWiki = map[string]string{
	"wiki.yaml": "title: Fixture\nlanguage: en\nlanguages: [en, es, fr]\n",
	"index.md":  "# Home\nWelcome. This wiki collects guides on digital safety for small groups.\n",

	"Guides/index.md": "---\ntitle: Guides\n---\nEvery guide of the wiki, in English.\n",
	"Guides/Passwords.md": `---
title: Passwords
tags: [accounts, basics]
---
## Choosing a password

A strong password is long. Use a passphrase of several random words.

## Password managers

A password manager remembers every password for you. Keep its master password secret.
`,
	"Guides/Password-managers.md": `---
title: Choosing a password manager
tags: [accounts]
---
Compare password managers: open source ones can be audited. A manager should encrypt the vault on your device.
`,
	"Guides/Encryption.md": `---
title: Encryption
tags: [basics]
---
## Disk encryption

Encrypt the disk of every laptop, so a stolen device reveals nothing.

## Encrypted messaging

Messages encrypted end to end can only be read by the people in the conversation.
`,
	"Guides/Threat-model.md": `---
title: Threat model
tags: [planning]
---
A threat model lists what you protect, from whom, and how likely each threat is.
Start with the assets, then the adversaries.
`,
	"Guides/Threat-modelling-workshop.md": `---
title: Running a threat modelling workshop
tags: [planning, workshop]
---
In the workshop, the group draws a threat model together: threats, threat actors and
the threat of each actor. Threats change, so the model is revised every year.
`,
	"Guides/Backups.md": `---
title: Backups
tags: [basics]
---
## Why back up

Threats such as theft or ransomware destroy data. A backup on a separate drive saves it.

## Encryption of backups

Encrypt backups, because a lost backup drive is a lost laptop.
`,
	"Guides/Phishing.md": `---
title: Recognising phishing
tags: [accounts]
---
Phishing messages imitate a service to steal your password. Check the address before you log in.
`,
	"Guides/Incident-response.md": `---
title: Incident response
tags: [planning]
---
When an account is taken over, change its password from a clean device, then tell the group.
`,
	"Guides/Travel.md": `---
title: Crossing borders with devices
tags: [travel]
---
Before travelling, back up the laptop and leave sensitive files at home. Border agents may ask for passwords.
`,

	"es/index.md": "---\ntitle: Guías\n---\nLas guías del wiki en español.\n",
	"es/contrasenas.md": `---
title: Contraseñas
tags: [cuentas]
---
## Cómo elegir una contraseña

Una contraseña segura es larga. Las contraseñas cortas se adivinan.

## Gestores de contraseñas

Un gestor de contraseñas recuerda todas tus contraseñas.
`,
	"es/politicas.md": `---
title: Políticas de seguridad
tags: [organización]
---
Las políticas de seguridad de la organización dicen quién puede ver cada información.
Una política clara evita errores.
`,
	"es/cifrado.md": `---
title: Cifrado
tags: [básico]
---
El cifrado del disco protege la información de un portátil robado. Los mensajes cifrados
solo los leen las personas de la conversación.
`,
	"es/copias.md": `---
title: Copias de seguridad
tags: [básico]
---
Una copia de seguridad en otro disco salva la información cuando el portátil se pierde.
`,
	"es/amenazas.md": `---
title: Modelo de amenazas
tags: [planificación]
---
Un modelo de amenazas lista qué protegemos, de quién y cuán probable es cada amenaza.
`,

	"fr/index.md": "---\ntitle: Guides en français\n---\nLes guides du wiki en français.\n",
	"fr/mots-de-passe.md": `---
title: Mots de passe
tags: [comptes]
---
Un mot de passe solide est long. Les gestionnaires de mots de passe retiennent tous vos mots de passe.
`,
	"fr/politique.md": `---
title: Politique de sécurité
tags: [organisation]
---
La politique de sécurité de l'organisation dit qui peut voir chaque information.
Les politiques écrites évitent les erreurs.
`,
	"fr/chiffrement.md": `---
title: Chiffrement
tags: [bases]
---
Le chiffrement du disque protège les informations d'un ordinateur volé.
Les messages chiffrés ne sont lus que par les personnes de la conversation.
`,
	"fr/menaces.md": `---
title: Modèle de menaces
tags: [planification]
---
Un modèle de menaces décrit ce que l'on protège, contre qui, et la probabilité de chaque menace.
`,
	"fr/sauvegardes.md": `---
title: Sauvegardes
tags: [bases]
---
Une sauvegarde sur un autre disque sauve les données quand l'ordinateur est perdu ou volé.
`,

	"_Sidebar.md":         "[[Guides]]\n",
	"_templates/Guide.md": "# New guide\nA template about passwords, never listed.\n",
}
