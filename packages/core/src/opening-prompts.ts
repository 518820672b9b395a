/**
 * Excerpts of the strategies' real opening prompts (packages/search-strategies/src/strategies/
 * __snapshots__/*.txt), copied as fixtures; `shown` is what a reader would call the templates.
 */
export const OPENING_PROMPTS: Record<string, { prompt: string; shown: string[] }> = {
  ape: {
    prompt: `I want to use CLIP for image classification of Synthetic images. CLIP compares each image with one text per class, made by putting the class name into a prompt template in place of {}. Synthetic aerial scenes whose wording effects are hidden.
Here are some of the classes: forest, river, highway, pasture, lake, desert, harbor, meadow, canyon, glacier.

Write 2 different prompt templates that would help CLIP tell these classes apart. Each must contain {} where the class name goes and be less than 15 words. Reply with only the templates, each on its own line starting with "- ".`,
    shown: [],
  },
  "ape-variation": {
    prompt: `Generate 2 variations of the following prompt template while keeping its meaning. Keep {} where the class name goes.

Input: a blurry photo of {}.

Reply with only the templates, each on its own line starting with "- ".`,
    shown: ["a blurry photo of {}."],
  },
  "hill-climb-code": {
    prompt: `I am looking for prompt templates for CLIP image classification. Below are two lists: templates that work well and templates that work badly. Think about what makes a template good or bad, then write 1 better template.

Templates that work well:
a {} covered in snow.
a large {} in the countryside.

Templates that work badly:
a high resolution photo of a {}.
a {} at night with city lights.

Requirements:
- Reply with the template only.
- Keep it under 15 words.
- Keep a structure similar to the templates above.
- Put the template on its own line, starting with '- '.`,
    shown: [
      "a {} covered in snow.",
      "a large {} in the countryside.",
      "a high resolution photo of a {}.",
      "a {} at night with city lights.",
    ],
  },
  "hill-climb-pn": {
    prompt: `Hi, I am trying to prompt CLIP for image classification of Synthetic images. CLIP compares each image with one text per class, made by putting the class name into a prompt template in place of {}.

Here are some prompts that work well, with their accuracy:
- a {} covered in snow. (48.75%)
- a large {} in the countryside. (36.25%)

Here are some prompts that don't work well, with their accuracy:
- a high resolution photo of a {}. (13.75%)
- an old a of a {} in dark and white. close-up (10.00%) (0.00%)

Please give me 1 better template. Here are my requirements:
- Keep {} where the class name goes.
- Each template should be less than 15 words.
- Reply with only the template, each on its own line starting with "- ".`,
    shown: [
      "a {} covered in snow.",
      "a large {} in the countryside.",
      "a high resolution photo of a {}.",
      "an old a of a {} in dark and white. close-up",
    ],
  },
  opro: {
    prompt: `Your task is to write a prompt template for CLIP image classification of Synthetic images. CLIP puts each class name into the template in place of {} and compares the texts with the image. Below are some previous templates with their scores (few-shot accuracy in %). The templates are arranged in ascending order based on their scores, where higher scores indicate better quality.

text:
a {} in front of a white background.
score:
20.0

text:
a {} covered in snow.
score:
48.8


Write a new template that is different from the old ones and has a score as high as possible. It must contain {} and be less than 15 words. Reply with only the template, on one line starting with "- ".`,
    shown: ["a {} in front of a white background.", "a {} covered in snow."],
  },
  random: {
    prompt: `Here are some prompt templates for CLIP image classification of Synthetic images; {} is where the class name goes:
- a large {} in the countryside.
- a {} covered in snow.

Write 1 new template for the same task. Each must contain {} and be less than 15 words. Reply with only the template, each on its own line starting with "- ".`,
    shown: ["a large {} in the countryside.", "a {} covered in snow."],
  },
};
