/**
 * Common English words WaffleCLIP-style random-word descriptors draw from. WaffleCLIP samples a
 * large English word list (word_list.pkl in https://github.com/ExplainableML/WaffleCLIP); this
 * short list, written for vlmopt, stands in for it (the descriptors only need to be random words).
 */
export const WAFFLE_WORDS = (
  "able about above across act add after again age air all almost alone along also always among " +
  "angle animal answer apple area arm art ask back ball band bank base basket bath bear beat bed bell " +
  "bird black blood blue board boat body bone book border bottle box branch bread bridge bright " +
  "brother brown brush bucket burn butter button cake camera card carry case cat chain chair chalk " +
  "cheese chest chin circle clean clock cloth cloud coat coin cold color comb copper cord cotton cover " +
  "cow crowd cup curtain cushion dance dark day deep desk dog door drain drawer dress drink drop dust " +
  "ear earth edge egg engine eye face farm feather field finger fire fish flag flame floor flower fly " +
  "fold foot fork frame fruit garden girl glass glove goat gold grain grass green grey hair hammer hand " +
  "hat head heart hill hole hook horn horse house ice ink island jelly jewel key kettle knee knife knot " +
  "lamp leaf leg letter light line lip lock map match meal metal milk moon morning mother mountain " +
  "mouth muscle nail neck needle nest net night nose note nut oil orange oven paint paper parcel pen " +
  "pencil picture pig pin pipe plane plant plate pocket pot potato prison pump rail rain rat ray ring " +
  "river road rod roof root rope rose round sail salt sand school scissors screw seed sheep shelf ship " +
  "shirt shoe silk silver skin skirt sky snake snow soap sock spade sponge spoon spring square stamp " +
  "star station stem stick stone street string sugar sun table tail thread throat thumb ticket toe " +
  "tongue tooth town train tray tree trousers umbrella valley wall watch water wave wax wheel whip " +
  "whistle window wing wire wood wool worm yellow"
).split(" ");
