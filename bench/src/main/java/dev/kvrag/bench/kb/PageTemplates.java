package dev.kvrag.bench.kb;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The sentences of a page that are not facts: an opening line that names the subject, and filler
 * that makes a page read like a wiki page and puts years and numbers beside the facts. Filler never
 * names another entity and is never asked about. Placeholders: {S}/{s}/{P}/{p} as in
 * {@link Relation}, and value slots ({year}, {lang}, ...) that {@link #fill} draws.
 */
final class PageTemplates {

  private static final Map<EntityKind, List<String>> OPENINGS = Map.of(
      EntityKind.TEAM, List.of("{S} is one of the engineering teams at {company}.",
          "{S} works on {area} at {company}.", "At {company}, {s} is one of the {area} teams."),
      EntityKind.PERSON, List.of("{S} is {role} at {company}.", "{S} works as {role} at {company}."),
      EntityKind.SERVICE, List.of("{S} is one of the internal services at {company}.",
          "{S} is a backend service at {company}."),
      EntityKind.PROJECT, List.of("{S} is an internal project at {company}.",
          "{S} is one of the engineering initiatives at {company}."));

  private static final Map<EntityKind, List<String>> FILLERS = Map.of(
      EntityKind.TEAM, List.of(
          "{S} has {n} engineers.",
          "{S} holds its planning meeting every {day}.",
          "{S} runs a short demo for the rest of the company every other {day}.",
          "{P} on-call rotation covers nights and weekends.",
          "{S} publishes a newsletter at the start of every month.",
          "In {year}, {s} ran its first internal hackathon.",
          "{S} prefers small, frequent releases over big launches.",
          "{S} keeps its runbooks in the shared wiki.",
          "New members of {s} spend their first week pairing with a mentor.",
          "{S} tracks its work on a single shared board.",
          "{S} holds a retrospective at the end of every sprint.",
          "{S} reviews every design change in a weekly meeting.",
          "{P} members take turns as release captain.",
          "{S} writes most of its code in {lang}.",
          "{S} has a budget for two conference trips per person each year.",
          "{S} moved to a larger room after the last reorganisation.",
          "{P} quarterly goals fit on a single page.",
          "{S} answers questions from other teams in a public chat channel.",
          "{S} presents at the company all-hands once a quarter.",
          "{S} measures its delivery speed with four simple metrics.",
          "{P} backlog is groomed every {day} morning.",
          "{S} won the internal reliability award in {year}.",
          "{S} shares a kitchen with two other teams.",
          "{S} ends every week with a short written summary."),
      EntityKind.PERSON, List.of(
          "{S} enjoys {hobby} at the weekend.",
          "{S} mentors two junior engineers.",
          "{P} desk is next to the big window on the third floor.",
          "{S} gave a talk on {topic} at the last all-hands.",
          "{S} speaks {few} languages.",
          "{S} usually starts the day by reviewing pull requests.",
          "In {year}, {s} received the company's engineering award.",
          "{S} prefers written proposals to long meetings.",
          "{S} studied computer science before moving into industry.",
          "{S} is known for thorough code reviews.",
          "{S} organises the monthly book club.",
          "{P} favourite tool is {tool}.",
          "{S} takes part in the on-call rotation once a month.",
          "{S} writes most code in {lang}.",
          "{S} has run the internal workshop on {topic} twice.",
          "{S} keeps a public list of open questions.",
          "Colleagues often ask {s} for advice on {topic}.",
          "{S} volunteered to run the intern programme in {year}.",
          "{S} cycles to work most days.",
          "{S} is working towards a certificate in {topic}.",
          "{S} likes to pair on difficult bugs.",
          "{S} once fixed a production outage from a train."),
      EntityKind.SERVICE, List.of(
          "{S} is written in {lang}.",
          "{S} handles about {n} thousand requests per second at peak.",
          "{S} exposes a REST API and a small gRPC interface.",
          "{P} dashboards live in the shared monitoring workspace.",
          "{S} stores its data in {db}.",
          "{S} is deployed about {few} times a week.",
          "{P} error budget was exceeded once last quarter.",
          "An incident in {year} led to a rewrite of {p} retry logic.",
          "{S} runs in three regions.",
          "{P} configuration is kept in a versioned repository.",
          "{S} has an uptime target of ninety-nine point nine percent.",
          "{S} emits structured logs for every request.",
          "{P} test suite runs in under ten minutes.",
          "{S} scales out automatically when traffic grows.",
          "{S} was load tested before the last holiday season.",
          "{P} API is documented in the internal developer portal.",
          "{S} caches hot keys in memory for a few seconds.",
          "{S} has a dedicated alert for slow responses.",
          "{P} public endpoints require a signed token.",
          "{S} was moved to a new cluster in {year}.",
          "{S} keeps {few} replicas in every region.",
          "{P} release notes are posted in the engineering channel."),
      EntityKind.PROJECT, List.of(
          "The goal of {s} is to {goal}.",
          "{S} has a budget of {few} engineer-years.",
          "{S} reports progress at the monthly review.",
          "{P} design document was approved after three rounds of review.",
          "{S} is expected to finish in {quarter}.",
          "Early prototypes of {s} were tested in {year}.",
          "{S} has a check-in every {day}.",
          "{P} roadmap is shared with the whole company.",
          "{S} tracks its risks in a short register.",
          "{S} was paused for a few weeks during a hiring freeze.",
          "{P} first milestone was a working demo.",
          "{S} has its own chat channel for questions.",
          "{S} is one of the priorities for this year.",
          "{P} success is measured by customer adoption.",
          "{S} publishes a short status note every {day}.",
          "{S} invites feedback from other teams at open reviews.",
          "The name of {s} was chosen by a company-wide vote.",
          "{S} includes a careful data migration.",
          "{P} scope was reduced once to meet a deadline.",
          "{S} received extra funding in {year}.",
          "{S} keeps a public list of decisions.",
          "{P} demo day drew a large audience."));

  private static final Map<String, List<String>> SLOTS = Map.ofEntries(
      Map.entry("day", List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
      Map.entry("lang", List.of("Go", "Rust", "Java", "Kotlin", "Python", "TypeScript", "Scala", "Elixir", "C++")),
      Map.entry("db", List.of("PostgreSQL", "Cassandra", "Redis", "MySQL", "ClickHouse", "SQLite", "MongoDB")),
      Map.entry("hobby", List.of("hiking", "climbing", "sailing", "chess", "baking", "running", "painting",
          "photography", "gardening")),
      Map.entry("topic", List.of("observability", "incident response", "API design", "testing", "performance",
          "security", "data modelling", "accessibility", "distributed tracing")),
      Map.entry("tool", List.of("a plain text editor", "the debugger", "the profiler", "a whiteboard",
          "the terminal", "a paper notebook")),
      Map.entry("goal", List.of("cut page load times in half", "replace the old billing flow",
          "move every service to the new cluster", "make onboarding self-service",
          "unify the mobile and web clients", "reduce the cost of storage", "retire the legacy search index")),
      Map.entry("quarter", List.of("the first quarter", "the second quarter", "the third quarter",
          "the fourth quarter", "the spring", "the autumn")),
      Map.entry("area", List.of("platform", "product", "infrastructure", "data", "security", "mobile",
          "payments", "developer tools")),
      Map.entry("role", List.of("a software engineer", "a senior software engineer", "a staff engineer",
          "an engineering manager", "a site reliability engineer", "a data engineer", "a security engineer",
          "a product engineer", "a test engineer")));

  private PageTemplates() {}

  static String opening(EntityKind kind, SplittableRandom rng) {
    List<String> options = OPENINGS.get(kind);
    return options.get(rng.nextInt(options.size()));
  }

  static List<String> fillers(EntityKind kind) {
    return FILLERS.get(kind);
  }

  /** Draws every value slot of a template; subject placeholders are left for the writer. */
  static String fill(String template, String company, SplittableRandom rng) {
    StringBuilder out = new StringBuilder(template.length() + 16);
    int at = 0;
    while (true) {
      int open = template.indexOf('{', at);
      if (open < 0) {
        return out.append(template, at, template.length()).toString();
      }
      int close = template.indexOf('}', open);
      String slot = template.substring(open + 1, close);
      out.append(template, at, open);
      switch (slot) {
        case "S", "s", "P", "p", "o" -> out.append(template, open, close + 1);
        case "company" -> out.append(company);
        case "year" -> out.append(1998 + rng.nextInt(28));
        case "n" -> out.append(4 + rng.nextInt(37));
        case "few" -> out.append(List.of("two", "three", "four", "five", "six").get(rng.nextInt(5)));
        default -> {
          List<String> values = SLOTS.get(slot);
          if (values == null) {
            throw new IllegalStateException("template slot {" + slot + "} has no values: " + template);
          }
          out.append(values.get(rng.nextInt(values.size())));
        }
      }
      at = close + 1;
    }
  }
}
