/**
 * Broad benign traffic of our own generation for the injection classifier: greetings and
 * chit-chat, short questions, e-mail and letter drafting with names and addresses, summarise /
 * translate / rewrite requests, customer-support messages, assistant-style answers and
 * explanations, code and lists, in several languages. The public benign sets are mostly task
 * prompts (CLINC, GSM8K, …); without this the model learned that anything short, chatty or
 * answer-shaped looked like an attack ("Hello" scored 0.59). Seeded and in memory only.
 */
import { rng } from './generate.js';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const GREETINGS = [
  'Hello', 'Hi', 'Hey', 'Hi there', 'Hello!', 'Good morning', 'Good evening', 'Hey, how are you?', 'Thanks!', 'Thank you so much',
  'Great, thanks', 'Ok', 'Okay, sounds good', 'Cool', 'Yes please', 'No thanks', 'Bye', 'See you', 'Nice one', 'Perfect',
  'Hallo', 'Guten Morgen', 'Danke schön', 'Wie geht es dir?', 'Bonjour', 'Salut', 'Merci beaucoup', 'Bonsoir', 'Hola', 'Buenos días',
  'Gracias', '¿Qué tal?', 'Olá', 'Bom dia', 'Obrigado', 'Ciao', 'Buongiorno', 'Grazie mille', 'Привет', 'Здравствуйте', 'Спасибо',
  '你好', '谢谢', '早上好', 'こんにちは', 'ありがとうございます', 'おはようございます', 'Hoi', 'Dank je', 'Cześć', 'Dziękuję', 'Merhaba',
  'Teşekkürler', 'Hej', 'Tack', 'Namaste', 'Shalom', 'مرحبا', 'شكرا', '안녕하세요', '감사합니다',
];
const SMALLTALK = [
  'how are you today', 'what can you do', 'can you help me with something', 'I have a quick question', 'that was really helpful',
  'can you say that again more simply', 'tell me a joke', 'what is your favourite book', 'I am bored, any ideas', 'good night',
  'that makes sense now', 'could you explain it differently', 'let us continue tomorrow', 'wait, one more thing', 'sorry, I meant the other one',
];
const FIRST = ['Jane', 'John', 'Maria', 'Ahmed', 'Li', 'Yuki', 'Olga', 'Pierre', 'Lucía', 'Thomas', 'Priya', 'Kwame', 'Sofia', 'Lars', 'Fatima', 'Diego', 'Anna', 'Mehmet', 'Chen', 'Emma'];
const LAST = ['Doe', 'Smith', 'García', 'Müller', 'Rossi', 'Nakamura', 'Ivanova', 'Dubois', 'Okafor', 'Kowalski', 'Silva', 'Andersson', 'Patel', 'Nguyen', 'Brown', 'Haddad'];
const DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'company.example', 'uni.example.edu'];
const TOPICS = [
  'the meeting on Thursday', 'the quarterly budget', 'the delayed shipment', 'our holiday schedule', 'the new office layout', 'the invoice from March',
  'the project kickoff', 'the hiring plan', 'the conference in Berlin', 'the customer feedback survey', 'the school trip', 'the rent increase',
  'the team lunch', 'the software upgrade', 'the marketing campaign', 'my sick leave', 'the contract renewal', 'the training session',
];
const DRAFT_VERBS = ['Please draft', 'Draft', 'Write', 'Can you write', 'Could you compose', 'Help me write', 'Compose', 'I need', 'Prepare'];
const DRAFT_KINDS = ['a note', 'an email', 'a short email', 'a polite reminder', 'a thank-you letter', 'a formal letter', 'a reply', 'a follow-up message', 'an apology', 'a cover letter', 'a memo'];
const STREETS = ['12 Baker Street, London', 'Hauptstraße 5, 10115 Berlin', '221 Rue de Rivoli, Paris', '1600 Elm Avenue, Springfield', 'Calle Mayor 8, Madrid', '3-2-1 Shibuya, Tokyo'];
const QUESTIONS = [
  'What is the capital of {c}?', 'How far is {c} from the sea?', 'What language do people speak in {c}?', 'Is it safe to drink tap water in {c}?',
  'How do I boil an egg?', 'Why is the sky blue?', 'What time zone is {c} in?', 'How many calories are in a banana?', 'What is a good name for a cat?',
  'How do I reset my router?', 'Can you recommend a book about {s}?', 'What is the difference between {s} and {s2}?', 'Explain {s} in simple terms.',
  'What are the main causes of {s}?', 'What are the pros and cons of {s}?', 'What are the advantages and disadvantages of {s}?', 'Compare {s} and {s2}.',
  'Recommend {k} {m} about {s}.', 'Can you suggest {k} {m} on {s}?', 'List {k} interesting facts about {s}.', 'What are the best {m} for learning {s}?',
  'Which is better for a beginner, {s} or {s2}?', 'Should I learn {s} before {s2}?', 'What is the history of {s}?', 'Is {s} worth it in {c}?',
  'Translate "{p}" into {l}.', 'How do you say "{p}" in {l}?', 'What does "{p}" mean?', 'Give me three tips for {s}.', 'Who invented {s}?', 'Is {s} hard to learn?', 'How long does it take to learn {s}?',
];
const MEDIA = ['books', 'podcasts', 'films', 'documentaries', 'websites', 'courses', 'YouTube channels', 'apps', 'games', 'novels', 'museums', 'exercises'];
const COUNTS = ['two', 'three', 'five', 'a few', 'some', '3', '10', 'good'];
const PHRASES = ['good luck', 'see you later', 'where is the bakery', 'I am hungry', 'happy birthday', 'the bill, please', 'nice to meet you', 'how much is this', 'bless you', 'enjoy your meal'];
const COUNTRIES = ['France', 'Japan', 'Brazil', 'Kenya', 'Canada', 'Norway', 'India', 'Peru', 'Vietnam', 'Portugal', 'Egypt', 'Australia'];
const SUBJECTS = [
  'e-bikes in small towns', 'solar panels on flats', 'remote work', 'public transport', 'nuclear energy', 'online banking', 'home schooling', 'vegetarian diets',
  'ancient Egypt', 'world war one', 'medieval castles', 'space exploration', 'renewable energy', 'social media', 'city parks', 'electric heating',
  'photosynthesis', 'inflation', 'machine learning', 'the French revolution', 'climate change', 'compound interest', 'the immune system', 'jazz',
  'TypeScript', 'public speaking', 'gardening', 'time management', 'quantum computing', 'knitting', 'the stock market', 'sleep hygiene', 'SQL joins',
  'bread baking', 'volcanoes', 'the Roman empire', 'electric cars', 'meditation', 'chess openings', 'budgeting', 'recursion', 'plate tectonics',
];
const TASKS = [
  'Summarize this paragraph', 'Translate this into {l}', 'Rewrite this more formally', 'Make this shorter', 'Fix the grammar in this text',
  'Turn this into bullet points', 'Make this sound friendlier', 'Proofread this', 'Paraphrase the following', 'Give this a catchy title',
];
const LANGS = ['French', 'German', 'Spanish', 'Japanese', 'Italian', 'Portuguese', 'Chinese', 'Russian', 'Dutch', 'Polish'];
const SNIPPETS = [
  'Our store will be closed on Monday for inventory. Regular hours resume on Tuesday.', 'The results of the survey show that most users prefer the dark theme.',
  'We are happy to announce that the new library branch opens next month with a reading room for children.', 'Due to heavy rain, the football match has been postponed to Sunday.',
  'The recipe calls for two cups of flour, one egg and a pinch of salt. Bake for twenty minutes.', 'Sales grew by twelve percent in the second quarter, mostly in the northern region.',
  'The hike takes about four hours and the view from the top is worth every step.', 'Please remember to bring your ID card and a pen to the exam.',
];
const SUPPORT = [
  'My order #{n} has not arrived yet, can you check the status?', 'I was charged twice for my subscription this month.', 'How do I change the email address on my account?',
  'The app crashes when I open the settings page.', 'I forgot my password and the reset link does not work.', 'Can I return a jacket I bought {d} days ago?',
  'My package was delivered to the wrong address: {a}.', 'The coffee machine I bought leaks water. What should I do?', 'Please cancel my booking number {n}.',
  'Is there a student discount?', 'I would like to upgrade to the premium plan.', 'Where can I download my invoice for order {n}?',
];
const ANSWER_OPEN = ['Sure!', 'Of course.', 'Great question.', 'Here is a summary:', 'Certainly, here you go.', 'Happy to help.', 'Good idea.', 'Absolutely.', ''];
const ANSWER_BODY = [
  '{S} is easiest to understand with an example. Start with the basics, practise a little every day, and review what you learned at the end of the week.',
  'There are three main points to keep in mind. First, plan ahead. Second, keep it simple. Third, ask for feedback early.',
  'The short answer is yes, but it depends on your situation. If you have more time, the second option is usually cheaper.',
  'Here are a few suggestions:\n1. Make a list of what you need.\n2. Compare prices online.\n3. Read the reviews before you buy.',
  'In summary, {S} affects many parts of daily life. Researchers still debate the details, but the overall picture is clear.',
  'You can do this in two steps. Open the settings menu, then choose the option you want and save your changes.',
  'I hope this helps! Let me know if you would like more detail on any of these points.',
  'The capital of {C} is a lively city with museums, parks and good food. The best time to visit is in spring.',
  'Dear {F},\n\nThank you for your message about {T}. I will get back to you by Friday.\n\nBest regards,\n{G}',
  'Hi {F},\n\njust a quick reminder about {T}. Let me know if anything changes.\n\nThanks,\n{G}',
];
const CODE = [
  'def add(a, b):\n    return a + b\n\nprint(add(2, 3))', 'function greet(name) {\n  return `Hello, ${name}!`;\n}', 'SELECT name, email FROM customers WHERE city = \'Paris\' ORDER BY name;',
  'for i in range(10):\n    print(i * i)', 'const items = [1, 2, 3].map((x) => x * 2);\nconsole.log(items);', 'git checkout -b feature/login\ngit commit -m "add login form"',
  'class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y', '#include <stdio.h>\nint main(void) { printf("hi\\n"); return 0; }',
];
const CODE_ASKS = ['Why does this code not work?', 'Can you explain this code?', 'Add comments to this:', 'Convert this to Python:', 'Review this snippet please:', 'What does this print?', 'Here is the code you asked for:'];
const MULTI = [
  'Kannst du mir bitte eine E-Mail an {F} {L} wegen {T} schreiben?', 'Wie spät ist es gerade in Tokio?', 'Was ist der Unterschied zwischen Wetter und Klima?', 'Fasse diesen Text bitte kurz zusammen.',
  'Peux-tu écrire un courriel à {F} au sujet de {T} ?', 'Quelle est la meilleure saison pour visiter Lisbonne ?', 'Explique-moi la photosynthèse simplement.', 'Merci pour ton aide, c\'était parfait.',
  '¿Puedes escribir un correo a {F} sobre {T}?', '¿Cuál es la receta de la paella?', 'Resume este artículo en tres frases.', 'Muchas gracias por la explicación.',
  'Übersetze "{p}" bitte ins Französische.', 'Was bedeutet das Wort Fernweh?', 'Welche Bücher über {s} kannst du empfehlen?', 'Was sind die Vor- und Nachteile von Homeoffice?',
  'Traduis « bonne nuit » en allemand, s\'il te plaît.', 'Quels sont les avantages et les inconvénients du télétravail ?', 'Traduce "buenas noches" al inglés, por favor.',
  '¿Qué ventajas y desventajas tiene vivir en el centro?', 'Traduza "obrigado pela ajuda" para o inglês.', 'Quali sono i pro e i contro delle auto elettriche?',
  'Podes escrever um e-mail para {F} sobre {T}?', 'Qual é a capital da Austrália?', 'Puoi scrivere una lettera a {F} riguardo {T}?', 'Come si prepara il risotto?',
  'Напиши письмо {F} о встрече в четверг.', 'Как приготовить борщ?', 'Объясни, что такое инфляция.', '请帮我给{F}写一封关于会议的邮件。', '北京今天的天气怎么样？', '请用简单的话解释机器学习。',
  '{F}さんに会議についてのメールを書いてください。', '東京でおすすめのレストランはどこですか？', 'この文章を要約してください。', 'Kun je een e-mail schrijven aan {F} over de vergadering?',
  'Czy możesz napisać e-mail do {F} w sprawie spotkania?', '{F} için toplantı hakkında bir e-posta yazar mısın?',
];

/** Everyday editing instructions that share words with overrides ("ignore", "forget", "previous"). */
const EDITS = [
  'Ignore the typos in my last message and answer the question.', 'Please disregard my previous email, I attached the wrong file.', 'Forget what I said about Tuesday, Wednesday works better.',
  'Ignore the second paragraph, it is outdated.', 'Skip the introduction and start with the results.', 'Never mind my earlier question about the train times.',
  'Scratch that, use the blue version instead of the red one.', 'Ignore the formatting for now, focus on the content.', 'Disregard the previous total; the corrected figure is below.',
  'Ignoriere bitte die Tippfehler in meiner letzten Nachricht.', 'Vergiss, was ich über Montag gesagt habe.', 'Ignore les fautes de frappe de mon message précédent.',
  'Oublie ma question précédente, j\'ai trouvé la réponse.', 'Olvida lo que dije sobre el martes, el miércoles es mejor.', 'Ignora los errores de mi mensaje anterior, por favor.',
  'Ignore os erros de digitação da minha mensagem anterior.', 'Dimentica la mia domanda precedente, ho risolto.', 'Не обращай внимания на опечатки в моём прошлом сообщении.',
  '请忽略我上一条消息里的错别字。', '前のメッセージの誤字は無視してください。',
];

/** Benign role-play and persona framing: common in real traffic, and shared with persona attacks. */
const ROLES = ['a tour guide', 'a chef', 'a math tutor', 'a personal trainer', 'a librarian', 'a career coach', 'a museum guide', 'a friendly barista', 'a job interviewer', 'a language teacher', 'a gardener', 'a travel planner'];
const ROLE_TASKS = ['plan a day in {c}', 'explain {s} to a beginner', 'suggest a weekly plan', 'ask me three practice questions', 'recommend something for a rainy afternoon', 'give me feedback on my idea', 'help me prepare for {T}'];
const ROLE_FRAMES = ['Act as {r} and {t}.', 'Pretend you are {r} and {t}.', 'You are {r}. Please {t}.', 'Imagine you are {r}; {t}.', 'Play the role of {r} and {t}.', 'You are a helpful assistant that works as {r}. Can you {t}?'];

/** Ordinary security and account questions (passwords, admins, hidden files, permissions). */
const SECURITY = [
  'How do I reset a forgotten password on my laptop?', 'Our policy says never to share passwords; can you make this reminder sound friendlier?', 'How can an administrator unlock a user account?',
  'How do I show hidden files on a Mac?', 'What makes a password strong?', 'How do I change file permissions on Linux?', 'Write a short notice asking staff to enable two-factor login.',
  'How do I recover my email account if I lost my phone?', 'What is the difference between an admin and a standard user on Windows?', 'Translate this notice into Spanish: "Never give your PIN to anyone."',
  'Summarise this film: an AI assistant helps a detective solve a case in a small town.', 'Why do websites ask me to change my password regularly?', 'How do I see which apps can use my camera?',
  'Wie setze ich mein vergessenes WLAN-Passwort zurück?', 'Comment afficher les fichiers cachés sous Windows ?', '¿Cómo cambio la contraseña de mi router?', 'Como faço para recuperar a senha do meu e-mail?',
  'Come posso mostrare i file nascosti sul Mac?', 'Как сбросить пароль администратора на ноутбуке?', '如何重置我忘记的邮箱密码？', 'パソコンのパスワードを忘れたときはどうすればいいですか？',
];

/** Polite requests in non-Latin scripts: the politeness forms ("教えてください", "подскажи", "告诉我") are everyday words. */
const POLITE = [
  '簡単な{j}のレシピを教えてください。', '{j}の作り方を教えてください。', 'おすすめの本を教えてください。', '明日の天気を教えてください。', '駅までの行き方を教えてください。', 'この言葉の意味を教えてください。',
  'Подскажи, как приготовить {r}.', 'Скажи, пожалуйста, который час в Лондоне.', 'Подскажи хорошую книгу для отпуска.', 'Расскажи про историю Петербурга.', 'Объясни, как работает {s}.',
  '请告诉我{z}的做法。', '告诉我一个有趣的历史故事。', '请介绍一下长城的历史。', '请推荐几本好看的小说。', '안녕하세요, 간단한 김치찌개 레시피를 알려 주세요.', 'مرحبا، كيف أطبخ الأرز؟',
];
const JA_FOOD = ['親子丼', '味噌汁', 'カレー', '卵焼き', 'お好み焼き', '肉じゃが'];
const RU_FOOD = ['блины', 'борщ', 'сырники', 'пельмени', 'окрошку'];
const ZH_FOOD = ['番茄炒蛋', '饺子', '红烧肉', '麻婆豆腐'];

function fill(r: () => number, t: string): string {
  const f = pick(r, FIRST);
  const l = pick(r, LAST);
  return t.replace(/\{F\}/g, f).replace(/\{L\}/g, l).replace(/\{G\}/g, pick(r, FIRST)).replace(/\{T\}/g, pick(r, TOPICS))
    .replace(/\{C\}|\{c\}/g, pick(r, COUNTRIES)).replace(/\{S\}/g, pick(r, SUBJECTS)).replace(/\{s2\}/g, pick(r, SUBJECTS)).replace(/\{s\}/g, pick(r, SUBJECTS))
    .replace(/\{l\}/g, pick(r, LANGS)).replace(/\{n\}/g, String(10000 + Math.floor(r() * 89999))).replace(/\{d\}/g, String(2 + Math.floor(r() * 40)))
    .replace(/\{a\}/g, pick(r, STREETS)).replace(/\{k\}/g, pick(r, COUNTS)).replace(/\{m\}/g, pick(r, MEDIA)).replace(/\{p\}/g, pick(r, PHRASES));
}

function email(r: () => number): string {
  const f = pick(r, FIRST), l = pick(r, LAST);
  return `${f}.${l}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + `@${pick(r, DOMAINS)}`;
}

const KINDS: Array<(r: () => number) => string> = [
  (r) => { const g = pick(r, GREETINGS); return r() < 0.4 ? `${g}, ${pick(r, SMALLTALK)}${pick(r, ['?', '.', '!', ''])}` : g; },
  (r) => `${pick(r, SMALLTALK)}${pick(r, ['?', '.', '!', ''])}`,
  (r) => fill(r, pick(r, QUESTIONS)),
  (r) => `${pick(r, DRAFT_VERBS)} ${pick(r, DRAFT_KINDS)} to ${r() < 0.5 ? email(r) : `${pick(r, FIRST)} ${pick(r, LAST)}`} about ${pick(r, TOPICS)}${r() < 0.3 ? `, and mention that the new address is ${pick(r, STREETS)}` : ''}.`,
  (r) => `${fill(r, pick(r, TASKS))}${pick(r, [':\n\n', ': ', '.\n'])}${pick(r, SNIPPETS)}${r() < 0.4 ? ` ${pick(r, SNIPPETS)}` : ''}`,
  (r) => fill(r, pick(r, SUPPORT)),
  (r) => { let s = `${pick(r, ANSWER_OPEN)} ${fill(r, pick(r, ANSWER_BODY))}`.trim(); if (r() < 0.4) s += `\n\n${fill(r, pick(r, ANSWER_BODY))}`; return s; },
  (r) => `${pick(r, CODE_ASKS)}\n\n${pick(r, CODE)}`,
  (r) => fill(r, pick(r, MULTI)),
  (r) => pick(r, ROLE_FRAMES).replace('{r}', pick(r, ROLES)).replace('{t}', fill(r, pick(r, ROLE_TASKS))),
  (r) => pick(r, SECURITY),
  (r) => fill(r, pick(r, POLITE)).replace('{j}', pick(r, JA_FOOD)).replace('{r}', pick(r, RU_FOOD)).replace('{z}', pick(r, ZH_FOOD)),
  (r) => { const e = pick(r, EDITS); return r() < 0.5 ? `${e} ${fill(r, pick(r, QUESTIONS))}` : e; },
  (r) => { const w = pick(r, ['word', 'the', 'yes', 'ok', 'data', 'hello', 'lorem ipsum']); return Array.from({ length: 5 + Math.floor(r() * 150) }, () => w).join(' '); },
  (r) => { const k = 3 + Math.floor(r() * 5); return Array.from({ length: k }, (_, i) => `${i + 1}. ${pick(r, SUBJECTS)}`).join('\n'); },
];

/** `n` benign rows drawn from every kind above (deterministic for a seed). */
export function generateBenignRows(seed: number, n: number): Array<{ id: string; text: string; label: 'benign' }> {
  const r = rng(seed ^ 0x5eed);
  const out: Array<{ id: string; text: string; label: 'benign' }> = [];
  for (let i = 0; i < n; i++) out.push({ id: `gen-broad-benign-${i}`, text: pick(r, KINDS)(r), label: 'benign' });
  return out;
}
