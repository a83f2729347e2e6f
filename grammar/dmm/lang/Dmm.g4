// The reader's grammar for .dmm source: s-expressions whose map literals are V-values.
// The parse tree is turned into forms with source spans by dmm.lang.Reader.
grammar Dmm;


file    : item* EOF ;

// an item is a form, or a form commented out with #_
item    : form
        | discard
        ;

discard : DISCARD discard* form ;   // #_ #_ a b discards both a and b, as in Clojure

form    : LPAREN item* RPAREN       # list
        | LBRACK item* RBRACK       # vector
        | LBRACE item* RBRACE       # map
        | QUOTE item                # quote
        | NUMBER                    # number
        | STRING                    # string
        | KEYWORD                   # keyword
        | SYMBOL                    # symbol
        ;

LPAREN  : '(' ;
RPAREN  : ')' ;
LBRACK  : '[' ;
RBRACK  : ']' ;
LBRACE  : '{' ;
RBRACE  : '}' ;
QUOTE   : '\'' ;
DISCARD : '#_' ;

NUMBER  : [+-]? ( DIGITS ( '.' DIGITS? )? | '.' DIGITS ) EXPONENT?
        | '##Inf' | '##-Inf'
        ;

STRING  : '"' ( ESCAPE | ~["\\] )* '"' ;

KEYWORD : ':' SYMBOL_START SYMBOL_CHAR* ;

SYMBOL  : SYMBOL_START SYMBOL_CHAR*
        | '.' SYMBOL_CHAR*
        ;

LINE_COMMENT  : ';' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '#|' .*? '|#' -> skip ;
// commas are whitespace, as in Clojure: (neurons a accum, b accum)
WHITESPACE    : [ \t\r\n\f,]+ -> skip ;

fragment DIGITS       : [0-9]+ ;
fragment EXPONENT     : [eE] [+-]? DIGITS ;
fragment ESCAPE       : '\\' ( ["\\/nrtbf] | 'u' HEX HEX HEX HEX ) ;
fragment HEX          : [0-9a-fA-F] ;
fragment SYMBOL_START : [a-zA-Z*+!\-_?<>=/&%$] ;
fragment SYMBOL_CHAR  : SYMBOL_START | [0-9.'#] ;
