/**
 * A small retrieval corpus shared by the framework integration tests: each query has exactly
 * one relevant document, which a working embedding model ranks first.
 */
export const DOCS = [
  { id: "eiffel", text: "The Eiffel Tower is a wrought-iron lattice tower in Paris, France." },
  { id: "photosynthesis", text: "Photosynthesis lets plants turn sunlight, water and carbon dioxide into sugar." },
  { id: "everest", text: "Mount Everest is Earth's highest mountain above sea level, in the Himalayas." },
  { id: "python", text: "Python is a programming language known for its readable syntax." },
  { id: "stocks", text: "Stock markets fell sharply on Monday after the interest rate announcement." },
  { id: "coffee", text: "Espresso is brewed by forcing hot water through finely ground coffee beans." },
  { id: "whales", text: "Blue whales are the largest animals known to have ever lived." },
  { id: "tokyo", text: "Tokyo is the capital of Japan and one of the most populous cities in the world." },
] as const;

export const QUERIES = [
  { query: "How do plants make their food?", expected: "photosynthesis" },
  { query: "What is the tallest peak in the world?", expected: "everest" },
  { query: "biggest animal on the planet", expected: "whales" },
  { query: "how is espresso made", expected: "coffee" },
] as const;
